// Owned by the engine layer (chunks and leases); filled in with that layer.
export const CHUNKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS placeholder_chunks (id INTEGER PRIMARY KEY);
`;

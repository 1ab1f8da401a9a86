/**
 * When the engine last proved it was running (written about once a second). On start-up, Active stints
 * are cut at this time so the downtime of a crashed or stopped server is not counted as time spent
 * Active (DescribeJob ElapsedTimeInActiveSeconds).
 */
export const ENGINE_ALIVE_SCHEMA = `
CREATE TABLE IF NOT EXISTS engine_alive (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  alive_at INTEGER NOT NULL
);
`;

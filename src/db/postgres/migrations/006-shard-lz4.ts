/**
 * Report pieces compressed with LZ4 rather than PostgreSQL's default pglz. A piece is one chunk's report
 * rows (~500 KB per 5,000 tasks), always over the TOAST threshold, so every append compresses it in the
 * database's backend, on the cores the node's event loop also needs. A 185 KB piece of report rows took
 * 1.80 ms of backend CPU with pglz against 0.55 with lz4 and 0.90 stored uncompressed (EXTERNAL: six times
 * the bytes through heap and WAL), at about pglz's size (6.8 MB against 6.2 for 200 pieces). `npm run bench
 * -- --db …`, alternating on one machine: the server's CPU over a run 1.12–1.36 s against 1.53–1.79 s,
 * execute ratio 0.71–0.83 against 0.72–0.77, DescribeJob p99 9.3–12.1 ms against 13.4–13.5
 * (docs/performance.md, thirteenth pass). Only new values change; pieces written before stay pglz.
 */
export const PG_SHARD_LZ4_SCHEMA = setWhereSupported(
  'ALTER TABLE shard_pieces ALTER COLUMN bytes SET COMPRESSION lz4',
);

/**
 * Runs `statement` unless this server cannot: PostgreSQL before 14 has no per-column compression (a syntax
 * error) and a server built without lz4 refuses the method (feature not supported). Either way the pieces
 * stay pglz-compressed, as before this migration, and the migration still counts as applied. Any other
 * error fails the migration. The handler's savepoint keeps the migration's transaction usable.
 */
export function setWhereSupported(statement: string): string {
  return `
DO $$
BEGIN
  EXECUTE ${quoteLiteral(statement)};
EXCEPTION WHEN syntax_error OR feature_not_supported THEN
  RAISE NOTICE 'ossbatch: % (%); left as it is', SQLERRM, SQLSTATE;
END
$$;
`;
}

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/**
 * Report pieces compressed with LZ4 rather than PostgreSQL's default pglz. A piece is one flush of a
 * chunk's report rows (up to a chunk's worth, hundreds of KB), far over the TOAST threshold, so every
 * append is compressed by the database's backend, on the cores the node's event loop needs too. 200 pieces
 * of 185 KB of report rows, one connection (ad hoc): 1.80 ms of backend CPU each with pglz, 0.55 with lz4,
 * 0.90 stored uncompressed (EXTERNAL: six times the bytes through heap and WAL); 6.2, 6.8 and 38.6 MB.
 * `npx tsx bench/jobs.ts --json --db postgres://… --dist <build>`, ten alternating pairs: PostgreSQL's CPU
 * per run 1.02–1.49 s against 1.43–2.04, execute 190k against 178k tasks/s (means), ratio 0.783 against
 * 0.697 (≥ 0.75 in 7 of 10 against 3), DescribeJob p99 median 12.0 against 12.7 ms (docs/performance.md,
 * thirteenth pass). Only new values change: pieces written before stay pglz, and both read back alike.
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

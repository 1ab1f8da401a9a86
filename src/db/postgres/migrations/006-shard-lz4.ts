/**
 * Report pieces compressed with LZ4 rather than PostgreSQL's default pglz. A piece is one flush of a
 * chunk's report rows (up to a chunk's worth, hundreds of KB), far over the TOAST threshold, so every
 * append is compressed by the database's backend, on the cores the node's event loop needs too. 200 pieces
 * of 185 KB of report rows, one connection (ad hoc): 1.80 ms of backend CPU each with pglz, 0.55 with lz4,
 * 0.90 stored uncompressed (EXTERNAL: six times the bytes through heap and WAL); 6.2, 6.8 and 38.6 MB.
 * `npx tsx bench/jobs.ts --json --db postgres://… --dist <build>`, ten alternating pairs: execute 190k
 * against 178k tasks/s (means), ratio 0.783 against 0.697 (≥ 0.75 in 7 of 10 against 3), DescribeJob p99
 * median 12.0 against 12.7 ms; four more pairs: PostgreSQL's backends 0.44–0.52 CPU-µs per task while
 * Active against 0.69–0.97 (`execute_postgres_cpu_us_per_task`; docs/performance.md, thirteenth pass). Pieces already stored (and copies of them a retry makes) stay pglz and read back alike.
 *
 * Only where the server has lz4 (PostgreSQL 14 or later built with it): elsewhere the column keeps the
 * default. The ALTER takes an ACCESS EXCLUSIVE lock, and while it waits for one, every node's shard writes
 * queue behind it: it waits at most LOCK_WAIT, then leaves the column as it is. Either way the migration
 * counts as applied, and every start warns while the column is not lz4 (shardCompressionNotes).
 */
const LOCK_WAIT = '5s';

export const PG_SHARD_LZ4_SCHEMA = `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    SET LOCAL lock_timeout = '${LOCK_WAIT}';
    -- EXECUTE: PostgreSQL 13's parser does not know SET COMPRESSION, and never sees it here.
    EXECUTE 'ALTER TABLE shard_pieces ALTER COLUMN bytes SET COMPRESSION lz4';
  END IF;
EXCEPTION WHEN lock_not_available THEN
  NULL;
END
$$;
`;

import type pg from 'pg';
import type { StartupNote } from '../backend.js';

const UNDEFINED_COLUMN = '42703';

export const SET_LZ4 = 'ALTER TABLE shard_pieces ALTER COLUMN bytes SET COMPRESSION lz4';

/** True where this server has lz4: PostgreSQL 14 or later built with it (migration 6 asks the same). */
export const LZ4_AVAILABLE = `EXISTS (SELECT 1 FROM pg_settings
      WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals))`;

const SQL = `SELECT
    (SELECT attcompression::text FROM pg_attribute
      WHERE attrelid = 'shard_pieces'::regclass AND attname = 'bytes') AS method,
    ${LZ4_AVAILABLE} AS lz4`;

/**
 * What an operator should hear at start about how report shards are compressed (migration 6): nothing
 * when the column is lz4; a warning with the fix when the server has lz4 but the column is not (the
 * migration's lock wait gave up, or the server gained lz4 since); a note when the server has none.
 */
export async function shardCompressionNotes(pool: pg.Pool): Promise<StartupNote[]> {
  let row: { method: string | null; lz4: boolean } | undefined;
  try {
    row = (await pool.query<{ method: string | null; lz4: boolean }>(SQL)).rows[0];
  } catch (e) {
    // pg_attribute.attcompression exists from PostgreSQL 14: on 13, undefined_column, and there is no lz4.
    // Anything else (a connection lost meanwhile) is no reason to say either; the start goes on.
    if ((e as { code?: string }).code !== UNDEFINED_COLUMN) return [];
  }
  if (row?.method === 'l') return [];
  if (row?.lz4 === true)
    return [
      {
        level: 'warn',
        msg: `report shards are stored pglz-compressed, which costs this PostgreSQL about three times the CPU of lz4 per shard write; to change it, run once (it waits for a lock on shard_pieces): ${SET_LZ4}`,
      },
    ];
  return [
    {
      level: 'info',
      msg: 'this PostgreSQL has no lz4 (it needs version 14 or later, built with it): report shards are stored pglz-compressed',
    },
  ];
}

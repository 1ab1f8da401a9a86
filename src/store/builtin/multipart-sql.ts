import type Database from 'better-sqlite3';
import type { SqliteDb } from '../../db/sqlite/open.js';

const UPLOAD_COLUMNS =
  'upload_id, bucket, key, initiated, content_type, storage_class, acl, user_meta, http_headers, tags';

/** Every SQL statement of multipart uploads and bucket configuration (migration 006), in one place. */
const SQL = {
  insertUpload: `INSERT INTO store_uploads (${UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  getUpload: `SELECT ${UPLOAD_COLUMNS} FROM store_uploads WHERE upload_id = ?`,
  deleteUpload: 'DELETE FROM store_uploads WHERE upload_id = ?',
  anyUpload: 'SELECT 1 FROM store_uploads WHERE bucket = ? LIMIT 1',
  // ListMultipartUploads: (key, upload_id) order from the store_uploads_key index.
  listUploadsAfterKey: `SELECT ${UPLOAD_COLUMNS} FROM store_uploads WHERE bucket = ? AND key > ? ORDER BY key, upload_id LIMIT ?`,
  listUploadsAfterId: `SELECT ${UPLOAD_COLUMNS} FROM store_uploads WHERE bucket = ? AND ((key = ? AND upload_id > ?) OR key > ?) ORDER BY key, upload_id LIMIT ?`,
  listUploadsFrom: `SELECT ${UPLOAD_COLUMNS} FROM store_uploads WHERE bucket = ? AND key >= ? ORDER BY key, upload_id LIMIT ?`,

  upsertPart:
    'INSERT OR REPLACE INTO store_parts (upload_id, part_number, size, etag, last_modified, file) VALUES (?, ?, ?, ?, ?, ?)',
  getPartFile: 'SELECT file FROM store_parts WHERE upload_id = ? AND part_number = ?',
  listParts:
    'SELECT part_number, size, etag, last_modified, file FROM store_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?',
  allParts:
    'SELECT part_number, size, etag, last_modified, file FROM store_parts WHERE upload_id = ? ORDER BY part_number',
  deleteParts: 'DELETE FROM store_parts WHERE upload_id = ?',
  partFileReferenced: 'SELECT 1 FROM store_parts WHERE file = ? LIMIT 1',
  countUploads:
    'SELECT COUNT(*) AS uploads, (SELECT COUNT(*) FROM store_parts p JOIN store_uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?) AS parts FROM store_uploads WHERE bucket = ?',

  getConfig: 'SELECT value FROM store_bucket_config WHERE bucket = ? AND name = ?',
  setConfig: 'INSERT OR REPLACE INTO store_bucket_config (bucket, name, value) VALUES (?, ?, ?)',
  deleteConfig: 'DELETE FROM store_bucket_config WHERE bucket = ? AND name = ?',
  deleteAllConfig: 'DELETE FROM store_bucket_config WHERE bucket = ?',
  objectStats:
    'SELECT storage_class, COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes, COALESCE(MAX(last_modified), 0) AS newest FROM store_objects WHERE bucket = ? GROUP BY storage_class',
};

export type MultipartStatements = Record<keyof typeof SQL, Database.Statement>;

export function prepareMultipartStatements(db: SqliteDb): MultipartStatements {
  const out: Partial<MultipartStatements> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof MultipartStatements] = db.prepare(sql);
  return out as MultipartStatements;
}

/** One `store_uploads` row. */
export interface UploadRow {
  upload_id: string;
  bucket: string;
  key: string;
  initiated: number;
  content_type: string;
  storage_class: string;
  acl: string;
  user_meta: string | null;
  http_headers: string | null;
  tags: string | null;
}

/** One `store_parts` row (without the upload id). */
export interface PartRow {
  part_number: number;
  size: number;
  etag: string;
  last_modified: number;
  file: string | null;
}

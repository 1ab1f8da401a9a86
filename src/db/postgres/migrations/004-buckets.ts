/**
 * The bucket catalog of a remote store on PostgreSQL (issue 8), so every node of a cluster decides by the
 * same owner, ACL, policy, tags, CORS rules and inventory configurations. The shapes of SQLite's migrations
 * 011 and 012 (src/db/migrations/), with BIGINT ms timestamps and names COLLATE "C" (byte order, as OSS
 * lists buckets and as SQLite's BINARY compares).
 * - A row trigger on bucket_catalog queues NOTIFY {"kind":"bucket-changed","bucket":…} (delivered at commit,
 *   once per distinct payload per transaction), so every node drops that bucket from its caches within a
 *   second, whoever wrote.
 * - Documents and inventory configurations go with their bucket (ON DELETE CASCADE).
 */
export const PG_BUCKETS_SCHEMA = `
CREATE TABLE bucket_catalog (
  name          TEXT COLLATE "C" PRIMARY KEY,
  owner         TEXT   NOT NULL,
  acl           TEXT   NOT NULL,
  storage_class TEXT   NOT NULL,
  region        TEXT   NOT NULL,
  created_at    BIGINT NOT NULL,
  policy        TEXT
);
CREATE TABLE bucket_documents (
  bucket TEXT COLLATE "C" NOT NULL REFERENCES bucket_catalog (name) ON DELETE CASCADE,
  name   TEXT NOT NULL,
  value  TEXT NOT NULL,
  PRIMARY KEY (bucket, name)
);
CREATE TABLE bucket_inventories (
  bucket      TEXT COLLATE "C" NOT NULL REFERENCES bucket_catalog (name) ON DELETE CASCADE,
  id          TEXT COLLATE "C" NOT NULL,
  document    TEXT   NOT NULL,
  next_run_at BIGINT NOT NULL,
  PRIMARY KEY (bucket, id)
);
CREATE INDEX bucket_inventories_due ON bucket_inventories (next_run_at);

CREATE FUNCTION ossbatch_bucket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ossbatch',
    json_build_object('kind', 'bucket-changed', 'bucket', COALESCE(NEW.name, OLD.name))::text);
  RETURN NULL;
END $$;
CREATE TRIGGER bucket_catalog_changed AFTER INSERT OR UPDATE OR DELETE ON bucket_catalog
  FOR EACH ROW EXECUTE FUNCTION ossbatch_bucket_changed();
`;

import type pg from 'pg';

/**
 * GIN twins of FerretDB's indexes, kept by PostgreSQL itself.
 *
 * FerretDB v1.24 (PostgreSQL storage) turns each index a schema declares into a btree
 * expression index, e.g. `((_jsonb -> 'user'))`, but writes pushed-down equality filters as
 * `_jsonb->'user' @> $1`, which a btree cannot serve: every find and count scans the table.
 * A GIN index on the same expression serves `@>`.
 *
 * An event trigger on `CREATE INDEX` gives the leading key of every btree expression index
 * FerretDB creates on a collection table (its `_id` index and each schema index mongoose's
 * createIndexes sends) a single-column GIN index (`jsonb_path_ops`: smaller and cheaper to keep
 * up than the default, and it serves `@>`, the only operator needed), without a pending list
 * (`fastupdate = off`: with one, every lookup also scans the entries not merged yet, which made
 * `_id` lookups ~6× slower after a burst of writes), one per key and table: FerretDB pushes each
 * equality down as its own `@>` condition, so PostgreSQL combines these per-key indexes as it
 * needs, and `{ user, status }` and `{ user, createdAt }` share the index on `user`. Twins are
 * named `g_<table>_<hash of the key>`. Dropping a FerretDB index drops the twins no remaining
 * index leads with; a dropped collection takes its table and all of them. When the collection
 * comes back and its indexes are created again, the trigger fires again. Nothing here runs
 * against MongoDB: it lives in the embedded PostgreSQL only.
 */
export const GIN_MIRROR_SQL = `
CREATE OR REPLACE FUNCTION docket_gin_twin_name(table_name text, expression text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT 'g_' || left(table_name, 40) || '_' || left(md5(expression), 12)
$fn$;

-- The leading key expression of a btree expression index on a FerretDB collection table,
-- e.g. (_jsonb -> 'user'::text); null for any other index.
CREATE OR REPLACE FUNCTION docket_leading_jsonb_key(btree oid) RETURNS text
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  ix pg_index;
  access_method text;
  table_name text;
  expression text;
BEGIN
  SELECT * INTO ix FROM pg_index WHERE indexrelid = btree;
  IF NOT FOUND OR ix.indexprs IS NULL THEN RETURN NULL; END IF;
  SELECT a.amname INTO access_method FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = btree;
  IF access_method <> 'btree' THEN RETURN NULL; END IF;
  SELECT c.relname INTO table_name FROM pg_class c WHERE c.oid = ix.indrelid;
  -- FerretDB's own bookkeeping tables are read by name, never filtered by content.
  IF table_name LIKE '\\_ferretdb\\_%' THEN RETURN NULL; END IF;
  expression := regexp_replace(pg_get_indexdef(btree, 1, true), '\\s+(DESC|ASC)?(\\s*NULLS (FIRST|LAST))?\\s*$', '');
  IF expression NOT LIKE '%\\_jsonb -> %' THEN RETURN NULL; END IF;
  RETURN expression;
END
$fn$;

CREATE OR REPLACE FUNCTION docket_mirror_index(btree oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  expression text := docket_leading_jsonb_key(btree);
  table_name text;
  schema_name text;
BEGIN
  IF expression IS NULL THEN RETURN; END IF;
  SELECT c.relname, n.nspname INTO table_name, schema_name
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE i.indexrelid = btree;
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s jsonb_path_ops) WITH (fastupdate = off)',
    docket_gin_twin_name(table_name, expression), schema_name, table_name, expression
  );
END
$fn$;

-- Drops the GIN twins in a schema whose key no remaining btree index leads with.
CREATE OR REPLACE FUNCTION docket_drop_orphan_twins(schema_name text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE twin record;
BEGIN
  FOR twin IN
    SELECT c.relname AS index_name, t.relname AS table_name, i.indrelid
      FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid
      JOIN pg_am a ON a.oid = c.relam AND a.amname = 'gin'
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = schema_name
     WHERE c.relname LIKE 'g\\_%'
  LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_index b WHERE b.indrelid = twin.indrelid
         AND docket_gin_twin_name(twin.table_name, docket_leading_jsonb_key(b.indexrelid)) = twin.index_name
    ) THEN
      EXECUTE format('DROP INDEX IF EXISTS %I.%I', schema_name, twin.index_name);
    END IF;
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION docket_on_create_index() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE cmd record;
BEGIN
  FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' LOOP
    PERFORM docket_mirror_index(cmd.objid);
  END LOOP;
END
$fn$;

CREATE OR REPLACE FUNCTION docket_on_drop_index() RETURNS event_trigger
LANGUAGE plpgsql AS $fn$
DECLARE target record;
BEGIN
  FOR target IN SELECT DISTINCT schema_name FROM pg_event_trigger_dropped_objects()
    WHERE object_type = 'index' AND original AND object_name NOT LIKE 'g\\_%' LOOP
    PERFORM docket_drop_orphan_twins(target.schema_name);
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS docket_gin_on_create;
CREATE EVENT TRIGGER docket_gin_on_create ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION docket_on_create_index();

DROP EVENT TRIGGER IF EXISTS docket_gin_on_drop;
CREATE EVENT TRIGGER docket_gin_on_drop ON sql_drop
  WHEN TAG IN ('DROP INDEX') EXECUTE FUNCTION docket_on_drop_index();

-- Twins an older checkout made with a pending list: turn it off and merge what waits in it.
DO $do$
DECLARE twin record;
BEGIN
  FOR twin IN
    SELECT c.oid, n.nspname, c.relname
      FROM pg_class c
      JOIN pg_am a ON a.oid = c.relam AND a.amname = 'gin'
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relname LIKE 'g\\_%' AND NOT coalesce(c.reloptions @> ARRAY['fastupdate=off'], false)
  LOOP
    EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = off)', twin.nspname, twin.relname);
    PERFORM gin_clean_pending_list(twin.oid);
  END LOOP;
END
$do$;

-- Indexes made before the trigger existed (a data folder from an older checkout).
SELECT docket_mirror_index(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public');
`;

/** Installs (or refreshes) the GIN mirror in FerretDB's PostgreSQL database. Idempotent. */
export async function installGinMirror(client: pg.Client): Promise<void> {
  await client.query(GIN_MIRROR_SQL);
}

import type pg from 'pg';

/**
 * GIN twins of FerretDB's indexes, kept by PostgreSQL itself.
 *
 * FerretDB v1.24 (PostgreSQL storage) turns each index a schema declares into a btree
 * expression index, e.g. `((_jsonb -> 'user'))`, but writes pushed-down equality filters as
 * `_jsonb->'user' @> $1`, which a btree cannot serve: every find and count scans the table.
 * A GIN index on the same expression serves `@>`.
 *
 * An event trigger on `CREATE INDEX` gives every btree expression index FerretDB creates on a
 * collection table (its `_id` index and each schema index that mongoose's createIndexes sends)
 * a GIN index over the same expressions, named `g` + the btree's name's last 62 characters
 * (FerretDB ends its index names with a hash, so they stay unique). A dropped FerretDB index
 * takes its twin with it; a dropped collection takes its table and both. When the collection
 * comes back and its indexes are created again, the trigger fires again. Nothing here runs
 * against MongoDB: it lives in the embedded PostgreSQL only.
 */
export const GIN_MIRROR_SQL = `
CREATE OR REPLACE FUNCTION docket_gin_twin_name(btree_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$ SELECT 'g' || right(btree_name, 62) $fn$;

CREATE OR REPLACE FUNCTION docket_mirror_index(btree oid) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
  ix pg_index;
  access_method text;
  table_name text;
  schema_name text;
  index_name text;
  columns text[];
BEGIN
  SELECT * INTO ix FROM pg_index WHERE indexrelid = btree;
  IF NOT FOUND OR ix.indexprs IS NULL THEN RETURN; END IF;
  SELECT a.amname, c.relname INTO access_method, index_name
    FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = btree;
  IF access_method <> 'btree' THEN RETURN; END IF;
  SELECT c.relname, n.nspname INTO table_name, schema_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ix.indrelid;
  -- FerretDB's own bookkeeping tables are read by name, never filtered by content.
  IF table_name LIKE '\\_ferretdb\\_%' THEN RETURN; END IF;
  columns := ARRAY(
    SELECT regexp_replace(pg_get_indexdef(btree, k, true), '\\s+(DESC|ASC)?(\\s*NULLS (FIRST|LAST))?\\s*$', '')
      FROM generate_series(1, ix.indnatts) AS k
  );
  IF EXISTS (SELECT 1 FROM unnest(columns) AS col WHERE col NOT LIKE '%\\_jsonb -> %') THEN RETURN; END IF;
  EXECUTE format(
    'CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin (%s)',
    docket_gin_twin_name(index_name), schema_name, table_name, array_to_string(columns, ', ')
  );
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
DECLARE obj record;
BEGIN
  FOR obj IN SELECT schema_name, object_name FROM pg_event_trigger_dropped_objects()
    WHERE object_type = 'index' AND original AND object_name NOT LIKE 'g%' LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', obj.schema_name, docket_gin_twin_name(obj.object_name));
  END LOOP;
END
$fn$;

DROP EVENT TRIGGER IF EXISTS docket_gin_on_create;
CREATE EVENT TRIGGER docket_gin_on_create ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION docket_on_create_index();

DROP EVENT TRIGGER IF EXISTS docket_gin_on_drop;
CREATE EVENT TRIGGER docket_gin_on_drop ON sql_drop
  WHEN TAG IN ('DROP INDEX') EXECUTE FUNCTION docket_on_drop_index();

-- Indexes made before the trigger existed (a data folder from an older checkout).
SELECT docket_mirror_index(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public');
`;

/** Installs (or refreshes) the GIN mirror in FerretDB's PostgreSQL database. Idempotent. */
export async function installGinMirror(client: pg.Client): Promise<void> {
  await client.query(GIN_MIRROR_SQL);
}

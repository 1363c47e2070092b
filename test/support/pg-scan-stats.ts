import pg from 'pg';
import { inject } from 'vitest';

export interface TableScans {
  /** FerretDB's table name (collection name plus a hash). */
  table: string;
  seqScans: number;
  rowsReadBySeqScans: number;
  indexScans: number;
}

/**
 * How PostgreSQL has read each of a FerretDB database's tables so far (pg_stat_user_tables):
 * benches print it so a query that fell back to sequential scans shows up beside the timings.
 */
export async function scanStats(databaseName: string): Promise<TableScans[]> {
  const client = new pg.Client({ connectionString: inject('postgresUrl') });
  await client.connect();
  try {
    const { rows } = await client.query<{
      relname: string;
      seq_scan: string;
      seq_tup_read: string;
      idx_scan: string | null;
    }>(
      `SELECT relname, seq_scan, seq_tup_read, idx_scan FROM pg_stat_user_tables
        WHERE schemaname = $1 AND relname NOT LIKE '\\_ferretdb%' ORDER BY seq_tup_read DESC`,
      [databaseName],
    );
    return rows.map((r) => ({
      table: r.relname,
      seqScans: Number(r.seq_scan),
      rowsReadBySeqScans: Number(r.seq_tup_read),
      indexScans: Number(r.idx_scan ?? 0),
    }));
  } finally {
    await client.end();
  }
}

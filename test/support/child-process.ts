import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/**
 * The app's sources compiled to JavaScript (SWC, as the tests compile them) under
 * `.cache/e2e-build/<hash>/src/`, so a test can run the service or a launcher as a separate
 * node process and kill it. Compiled once per content hash; concurrent callers race safely
 * (each writes its own folder, the first rename wins).
 */
export async function compiledSources(): Promise<string> {
  const files = sourceFiles(path.join(projectRoot, 'src'));
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(file));
  const root = path.join(projectRoot, '.cache', 'e2e-build', hash.digest('hex').slice(0, 16));
  const out = path.join(root, 'src');
  if (existsSync(out)) return out;
  removeOldBuilds(path.dirname(root));

  const staging = path.join(root, `staging-${randomBytes(4).toString('hex')}`);
  for (const file of files) {
    const { code } = await transformFile(file, {
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          useDefineForClassFields: false,
        },
      },
      sourceMaps: false,
    });
    const target = path.join(staging, path.relative(path.join(projectRoot, 'src'), file));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target.replace(/\.ts$/, '.js'), code);
  }
  try {
    renameSync(staging, out);
  } catch (error) {
    if (!existsSync(out)) throw error;
  }
  return out;
}

/** Builds of other sources, left by earlier runs, once they are an hour old. */
function removeOldBuilds(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (Date.now() - statSync(full).mtimeMs > 3_600_000) {
      rmSync(full, { recursive: true, force: true });
    }
  }
}

/** A node child process whose stdout lines are collected. */
export interface NodeChild {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export function spawnNode(args: string[], env: NodeJS.ProcessEnv = process.env): NodeChild {
  const child = spawn(process.execPath, args, {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters) w();
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 100) stderr.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    lines,
    exited,
    waitForLine: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = line.match(pattern);
            if (match) {
              clearTimeout(timer);
              resolve(match);
              return true;
            }
          }
          return false;
        };
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no line matching ${pattern} in ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr.join('')}`,
              ),
            ),
          timeoutMs,
        );
        if (!check()) waiters.push(() => void check());
        void exited.then(() => {
          if (!check()) {
            clearTimeout(timer);
            reject(
              new Error(
                `process exited (${child.exitCode}):\n${lines.join('\n')}\n${stderr.join('')}`,
              ),
            );
          }
        });
      }),
  };
}

/**
 * A loopback TCP port free a moment ago, for a child service's PORT (the service logs the
 * configured port, so `PORT=0` would leave a test unable to reach it).
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** True while a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until none of the pids is alive; returns the ones still alive at the deadline. */
export async function waitForExit(pids: number[], timeoutMs = 15_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter((pid) => isAlive(pid) && !isZombie(pid));
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A reaped-later child of a dead parent shows as state Z until init reaps it. */
function isZombie(pid: number): boolean {
  try {
    return / Z /.test(
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^\d+ \(.*\) /, ' ')
        .slice(0, 3),
    );
  } catch {
    return true;
  }
}

import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { SandboxState, SandboxStateOptions } from './sandbox-state.js';
import { errorMessage } from '../../common/errors/error-message.js';

/** Where the sandbox reports what it did with its state file (Nest's Logger and console both fit). */
export interface SandboxLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface SandboxStateSaverTiming {
  /** Safety net: save this often when something changed (default 30 s). */
  periodMs?: number;
  /** After a changing request, save this much later, once for a burst of requests (default 1 s). */
  debounceMs?: number;
}

/**
 * The sandbox saved in `file`, or an empty one when there is none yet. An unreadable file
 * (corrupt, or another snapshot version) is moved to `<file>.unreadable` with a warning and
 * the sandbox starts empty: a sandbox must start, and the next save must not destroy a file a
 * newer checkout could still read.
 */
export async function loadSandboxState(
  file: string,
  options: SandboxStateOptions,
  logger: SandboxLogger,
): Promise<SandboxState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      logger.warn(`Cannot read ${file} (${errorMessage(error)}); the sandbox starts empty`);
    }
    return new SandboxState(options);
  }
  try {
    const state = SandboxState.fromSnapshot(JSON.parse(text) as unknown, options);
    logger.log(
      `Restored ${state.docketCount} dockets from ${file} (sandbox clock at ${new Date(state.now()).toISOString()})`,
    );
    return state;
  } catch (error) {
    const aside = `${file}.unreadable`;
    const moved = await rename(file, aside).then(
      () => `moved to ${aside}`,
      (renameError: unknown) => `could not be moved aside: ${errorMessage(renameError)}`,
    );
    logger.warn(
      `Ignoring ${file} (${errorMessage(error)}); it was ${moved}; the sandbox starts empty`,
    );
    return new SandboxState(options);
  }
}

/**
 * Keeps a sandbox's state saved in a file: soon after a change, every `periodMs` as a safety
 * net, and on stop. Writes go to a temporary file renamed over the old one, so a crash
 * mid-write leaves the previous snapshot; they run on timers, never inside a request, and
 * never overlap. Nothing is written while nothing changed.
 */
export class SandboxStateSaver {
  private savedRevision = 0;
  private saving: Promise<void> = Promise.resolve();
  private debounce: NodeJS.Timeout | null = null;
  private readonly periodic: NodeJS.Timeout;
  private readonly debounceMs: number;

  constructor(
    private readonly state: SandboxState,
    private readonly file: string,
    private readonly logger: SandboxLogger,
    timing: SandboxStateSaverTiming = {},
  ) {
    this.debounceMs = timing.debounceMs ?? 1_000;
    this.periodic = setInterval(() => void this.save(), timing.periodMs ?? 30_000).unref();
  }

  /** Call after each request: schedules a save when the request changed the state. */
  changed(): void {
    if (this.debounce !== null || this.state.revision === this.savedRevision) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.save();
    }, this.debounceMs).unref();
  }

  /** Writes the state if it changed since the last write; resolves when written (errors are logged). */
  save(): Promise<void> {
    this.saving = this.saving.then(() => this.write());
    return this.saving;
  }

  async stop(): Promise<void> {
    clearInterval(this.periodic);
    if (this.debounce !== null) clearTimeout(this.debounce);
    this.debounce = null;
    await this.save();
  }

  private async write(): Promise<void> {
    const revision = this.state.revision;
    if (revision === this.savedRevision) return;
    const json = JSON.stringify(this.state.toSnapshot());
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(json);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
      this.savedRevision = revision;
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      this.logger.warn(`Cannot save the sandbox state to ${this.file}: ${errorMessage(error)}`);
    }
  }
}

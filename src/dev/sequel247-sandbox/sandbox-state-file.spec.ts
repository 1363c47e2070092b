import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SANDBOX_SNAPSHOT_VERSION } from './sandbox-snapshot.js';
import { SandboxState } from './sandbox-state.js';
import { loadSandboxState, SandboxStateSaver } from './sandbox-state-file.js';

const START = Date.parse('2024-03-01T04:30:00Z');

let dir: string;
let file: string;
const logger = { log: vi.fn(), warn: vi.fn() };

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sandbox-state-'));
  file = path.join(dir, 'nested', 'sequel247-sandbox.json');
  logger.log.mockReset();
  logger.warn.mockReset();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('sandbox state file', () => {
  it('saves through a temporary file and loads the same dockets back', async () => {
    const state = new SandboxState({ seed: 4, now: START });
    const docket = state.createDocket({ scenario: 'exception' });
    state.advanceDocket(docket.docket, 3);
    const saver = new SandboxStateSaver(state, file, logger);

    await saver.stop();

    expect(readdirSync(path.dirname(file))).toEqual(['sequel247-sandbox.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: SANDBOX_SNAPSHOT_VERSION,
    });
    const loaded = await loadSandboxState(file, { seed: 4 }, logger);
    expect(loaded.requireDocket(docket.docket)).toEqual(state.requireDocket(docket.docket));
    expect(logger.log).toHaveBeenCalledWith(expect.stringMatching(/^Restored 1 dockets from /));
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('writes nothing while nothing changed', async () => {
    const state = new SandboxState({ now: START });
    state.getDocket('0000000001');
    state.addFault({ type: 'drop' });
    await new SandboxStateSaver(state, file, logger).stop();
    expect(existsSync(file)).toBe(false);
  });

  it('saves soon after a change, once for a burst of changes', async () => {
    const state = new SandboxState({ now: START });
    const saver = new SandboxStateSaver(state, file, logger, { debounceMs: 20 });
    try {
      state.createMany(3);
      saver.changed();
      state.createDocket();
      saver.changed();
      await vi.waitFor(() => expect(existsSync(file)).toBe(true));
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { dockets: unknown[] };
      expect(saved.dockets).toHaveLength(4);
    } finally {
      await saver.stop();
    }
  });

  it('starts an empty sandbox, silently, when there is no file yet', async () => {
    const state = await loadSandboxState(file, { now: START }, logger);
    expect(state.docketCount).toBe(0);
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it.each([
    ['corrupt JSON', '{"version":1,"dockets":[', /JSON/],
    ['an unknown version', '{"version":99,"dockets":[]}', /version 99/],
  ])('ignores a file with %s: warns, keeps it aside and starts empty', async (_, text, reason) => {
    const aside = `${file}.unreadable`;
    mkdirSync(path.dirname(file));
    writeFileSync(file, text);

    const loaded = await loadSandboxState(file, { now: START }, logger);

    expect(loaded.docketCount).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(reason));
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(aside, 'utf8')).toBe(text);
  });
});

import path from 'node:path';
import { DEFAULT_SANDBOX_TOKEN, startSequel247Sandbox } from './sequel247-sandbox.js';

/**
 * `npm run sandbox:sequel247`: the Sequel247 sandbox on its own, for frontend teams and demos.
 * Env: SEQUEL247_SANDBOX_PORT (4247), SEQUEL247_SANDBOX_HOST (127.0.0.1), SEQUEL247_SANDBOX_SEED
 * (247), SEQUEL247_SANDBOX_TIME_SCALE (60 sandbox minutes per real minute; 0 = manual clock),
 * SEQUEL247_SANDBOX_STATE_FILE (unset: dockets live in memory only; a path: kept there across
 * restarts).
 */
function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name}=${JSON.stringify(raw)} must be a number ≥ 0`);
  }
  return value;
}

async function main(): Promise<void> {
  const stateFileEnv = process.env.SEQUEL247_SANDBOX_STATE_FILE;
  const stateFile = stateFileEnv ? path.resolve(stateFileEnv) : undefined;
  const sandbox = await startSequel247Sandbox({
    port: intFromEnv('SEQUEL247_SANDBOX_PORT', 4247),
    host: process.env.SEQUEL247_SANDBOX_HOST || '127.0.0.1',
    seed: intFromEnv('SEQUEL247_SANDBOX_SEED', 247),
    timeScale: intFromEnv('SEQUEL247_SANDBOX_TIME_SCALE', 60),
    token: DEFAULT_SANDBOX_TOKEN,
    stateFile,
  });
  console.log(`Sequel247 sandbox listening on ${sandbox.url}`);
  console.log(`  token:       ${sandbox.token}`);
  console.log(`  control API: ${sandbox.controlUrl} (GET it for the list of routes)`);
  console.log(`  use it:      SEQUEL247_BASE_URL=${sandbox.url} SEQUEL247_TOKEN=${sandbox.token}`);
  if (stateFile) console.log(`  state file:  ${stateFile} (kept across restarts)`);
  const stop = () => {
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `Sequel247 sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});

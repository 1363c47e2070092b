import { errorMessage } from '../../common/errors/error-message.js';
import { readSandboxSettings } from './sandbox-settings.js';
import { startSequel247Sandbox } from './sequel247-sandbox.js';

/**
 * `npm run sandbox:sequel247`: the Sequel247 sandbox on its own, for frontend teams and demos.
 * Settings (SEQUEL247_SANDBOX_PORT, _HOST, _SEED, _TIME_SCALE, _STATE_FILE, _TOKEN) are read by
 * readSandboxSettings; see .env.example.
 */
async function main(): Promise<void> {
  const settings = readSandboxSettings();
  const { stateFile } = settings;
  const sandbox = await startSequel247Sandbox(settings);
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
  console.error(`Sequel247 sandbox failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

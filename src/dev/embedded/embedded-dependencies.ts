import path from 'node:path';
import { Logger } from '@nestjs/common';
import { SANDBOX_TOKEN } from '../../config/sequel247.config.js';
import { readSandboxSettings } from '../sequel247-sandbox/sandbox-settings.js';
import { Sequel247Sandbox, startSequel247Sandbox } from '../sequel247-sandbox/sequel247-sandbox.js';
import { EmbeddedDatabase } from './embedded-database.js';

export interface EmbeddedDependencies {
  /** What was started, for the boot log. */
  started: string[];
  stop(): Promise<void>;
}

/**
 * Outside production, a fresh clone runs with no setup: when MONGODB_URI is unset FerretDB is
 * started over an embedded PostgreSQL (its cluster kept in ./.data/postgres so restarts keep
 * orders), and when
 * SEQUEL247_BASE_URL is unset the Sequel247 sandbox runs in-process, its dockets kept beside
 * the database's data so shipped orders keep moving after a restart. Production configures
 * real endpoints and nothing is spawned.
 */
export async function startEmbeddedDependencies(
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmbeddedDependencies> {
  const started: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  if (env.NODE_ENV === 'production') return { started, stop: () => Promise.resolve() };

  try {
    if (!env.MONGODB_URI) {
      const dataDir = embeddedDbDir(env);
      const db = await EmbeddedDatabase.start({ dataDir });
      env.MONGODB_URI = db.uriFor('docket');
      stops.push(() => db.stop());
      started.push(
        `FerretDB at ${env.MONGODB_URI} on PostgreSQL 127.0.0.1:${db.postgres.port} (data in ${dataDir})`,
      );
    }
    if (!env.SEQUEL247_BASE_URL) {
      const sandbox = await startSandbox(env);
      env.SEQUEL247_BASE_URL = sandbox.url;
      env.SEQUEL247_TOKEN = SANDBOX_TOKEN;
      scalePollingToSandboxClock(env, readSandboxSettings(env).timeScale);
      stops.push(() => sandbox.stop());
      started.push(
        `Sequel247 sandbox at ${sandbox.url} (control API ${sandbox.controlUrl}, token ${SANDBOX_TOKEN}, state in ${sandboxStateFile(env)})`,
      );
    }
    if (!env.SMTP_URL && env.EMAIL_ENABLED !== 'false') {
      // Loaded only here, so a production boot never loads an SMTP server.
      const { startDevMailSink } = await import('../mail/dev-mail-sink.js');
      const { setDevMailSink } = await import('../mail/dev-mail.registry.js');
      const sink = await startDevMailSink({ port: devSmtpPort(env) }).catch(() =>
        // The port is taken (another checkout running): any free port will do.
        startDevMailSink({ port: 0 }),
      );
      env.SMTP_URL = sink.url;
      setDevMailSink(sink);
      stops.push(() => sink.stop());
      started.push(`Development SMTP sink at ${sink.url} (read mail at GET /api/dev/mail)`);
    }
  } catch (error) {
    await Promise.allSettled(stops.map((s) => s()));
    throw error;
  }

  return {
    started,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** The embedded PostgreSQL cluster's folder (EMBEDDED_DB_DIR, default `.data/postgres`). */
export function embeddedDbDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.EMBEDDED_DB_DIR || '.data/postgres');
}

/**
 * Beside the embedded database's folder (`.data/sequel247-sandbox.json` by default), so one
 * `rm -rf .data` forgets orders and dockets together. With MONGODB_URI set (a database of your
 * own) the sandbox persists there all the same: that database keeps its shipped orders across
 * restarts just like the embedded one, and their dockets must keep moving. One file for
 * whichever database the app points at mirrors the real courier, one service whose docket
 * numbers stay unique across all its customers' databases.
 */
function sandboxStateFile(env: NodeJS.ProcessEnv): string {
  return path.join(path.dirname(embeddedDbDir(env)), 'sequel247-sandbox.json');
}

function devSmtpPort(env: NodeJS.ProcessEnv): number {
  return numberFromEnv(env.DEV_SMTP_PORT, 2525);
}

function numberFromEnv(value: string | undefined, fallback: number): number {
  const parsed = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/**
 * The sandbox's clock runs `timeScale` times faster than real time (60x by default), so polling
 * it every 30 real minutes would skip most of a demo shipment's journey. Unless set, poll as
 * often in sandbox time as the defaults poll the real courier (30 and 10 minutes), and at least
 * once a minute: at 60x, every minute, so a watcher sees scans arrive as the parcels move.
 */
function scalePollingToSandboxClock(env: NodeJS.ProcessEnv, timeScale: number): void {
  if (!(timeScale > 1)) return;
  const scaled = (minutes: number) => String(Math.max(1, Math.round(minutes / timeScale)));
  env.TRACKING_POLL_MINUTES ||= scaled(30);
  env.TRACKING_OUT_FOR_DELIVERY_POLL_MINUTES ||= scaled(10);
}

/** On SEQUEL247_SANDBOX_PORT (4247), or any free port when that one is taken. */
async function startSandbox(env: NodeJS.ProcessEnv): Promise<Sequel247Sandbox> {
  const settings = readSandboxSettings(env);
  const options = {
    ...settings,
    // The app is given SANDBOX_TOKEN below: the embedded sandbox accepts exactly that.
    token: SANDBOX_TOKEN,
    stateFile: settings.stateFile ?? sandboxStateFile(env),
    logger: new Logger('Sequel247Sandbox'),
  };
  try {
    return await startSequel247Sandbox(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSequel247Sandbox({ ...options, port: 0 });
  }
}

import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger, type Type } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import { errorMessage } from './common/errors/error-message.js';
import { markSelfStarted, wantsEmbeddedDemo } from './config/deployment-mode.js';
import { type AllConfig, checkConfiguration } from './config/index.js';

interface DevRig {
  started: string[];
  modules: Type[];
  stop(): Promise<void>;
}

const NO_DEV_RIG: DevRig = { started: [], modules: [], stop: () => Promise.resolve() };

/**
 * With nothing configured (no MONGODB_URI, no SEQUEL247_BASE_URL, NODE_ENV not production) a
 * fresh clone runs the full demo: the dev area under src/dev/ starts an embedded database and
 * the Sequel247 sandbox and seeds demo data. Imported dynamically, so a production boot never
 * loads any of it (test/production-boot.e2e-spec.ts checks).
 */
async function startDevRig(): Promise<DevRig> {
  if (!wantsEmbeddedDemo()) return NO_DEV_RIG;
  const { startEmbeddedDependencies } = await import('./dev/embedded/embedded-dependencies.js');
  const embedded = await startEmbeddedDependencies();
  markSelfStarted('database', 'courier');
  const { DemoModule } = await import('./dev/demo/demo.module.js');
  const { DevMailModule } = await import('./dev/mail/dev-mail.module.js');
  return {
    started: embedded.started,
    modules: [DemoModule, DevMailModule],
    stop: () => embedded.stop(),
  };
}

/** .env is read here, before deciding what to start, so its settings count as configured. */
function loadDotEnv(): void {
  if (process.env.NODE_ENV !== 'test' && existsSync('.env')) process.loadEnvFile('.env');
}

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  loadDotEnv();
  checkConfiguration();
  const dev = await startDevRig();
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(
      dev.modules.length ? AppModule.withDevModules(dev.modules) : AppModule,
      // Errors reach bootstrap().catch below: one line naming what to fix, no stack.
      { bufferLogs: true, abortOnError: false },
    );
  } catch (error) {
    await dev.stop();
    throw error;
  }
  configureApp(app);
  const config = app.get<ConfigService<AllConfig, true>>(ConfigService);
  const port = config.getOrThrow('app.port', { infer: true });
  await app.listen(port);
  for (const line of dev.started) logger.log(`Embedded: ${line}`);
  logger.log(`Docket listening on http://localhost:${port}/api (Swagger UI at /api/docs)`);

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests and shutting down`);
    const force = setTimeout(
      () => {
        logger.error('Shutdown took too long; exiting');
        process.exit(1);
      },
      config.getOrThrow('app.shutdownGraceMs', { infer: true }),
    );
    force.unref();
    try {
      // Stops the HTTP server (in-flight requests finish), cron jobs and the database connection.
      await app.close();
      await dev.stop();
      process.exit(0);
    } catch (error) {
      logger.error(`Shutdown failed: ${String(error)}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}

bootstrap().catch((error: unknown) => {
  // Config errors name the variable; print them without a stack so the fix is obvious.
  console.error(`Docket failed to start: ${errorMessage(error)}`);
  process.exit(1);
});

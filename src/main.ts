import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { configureApp } from './app.setup.js';
import type { AllConfig } from './config/index.js';
import { startEmbeddedDependencies } from './dev/embedded/embedded-dependencies.js';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const embedded = await startEmbeddedDependencies();
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  configureApp(app);
  const config = app.get<ConfigService<AllConfig, true>>(ConfigService);
  const port = config.getOrThrow('app.port', { infer: true });
  await app.listen(port);
  for (const line of embedded.started) logger.log(`Embedded: ${line}`);
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
      await embedded.stop();
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
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Docket failed to start: ${message}`);
  process.exit(1);
});

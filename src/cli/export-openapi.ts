/**
 * Writes the OpenAPI document to openapi.json (or the path given) for frontend client
 * generation. `--check` exits 1 when the committed file differs from the code.
 * Runs Nest in preview mode: controllers are scanned, nothing connects anywhere.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module.js';
import { API_PREFIX, createOpenApiDocument } from '../app.setup.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const file = args.find((a) => !a.startsWith('--')) ?? 'openapi.json';
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  const json = `${JSON.stringify(createOpenApiDocument(app), null, 2)}\n`;
  await app.close();
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing file counts as out of date
    }
    if (current !== json) {
      console.error(`${file} is out of date: run "npm run openapi:export" and commit it`);
      process.exit(1);
    }
    console.log(`${file} is up to date`);
    return;
  }
  writeFileSync(file, json);
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../../src/app.module.js';
import { API_PREFIX, createOpenApiDocument } from '../../src/app.setup.js';

/** The OpenAPI document as the code describes it (Nest preview mode: nothing connects). */
export async function generatedOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    preview: true,
    logger: false,
  });
  app.setGlobalPrefix(API_PREFIX);
  const document = createOpenApiDocument(app);
  await app.close();
  return document;
}

/** The committed openapi.json, which frontend teams generate their clients from. */
export function committedOpenApiDocument(): OpenAPIObject {
  return JSON.parse(readFileSync('openapi.json', 'utf8')) as OpenAPIObject;
}

export interface Operation {
  method: string;
  path: string;
  security?: Array<Record<string, string[]>>;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export function operationsOf(document: OpenAPIObject): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(
      item as Record<string, Omit<Operation, 'method' | 'path'>>,
    )) {
      operations.push({ method, path, ...op });
    }
  }
  return operations;
}

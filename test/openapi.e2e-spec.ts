import SwaggerParser from '@apidevtools/swagger-parser';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { API_PREFIX, createOpenApiDocument } from '../src/app.setup.js';

describe('OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    const app = await NestFactory.create<NestExpressApplication>(AppModule, {
      preview: true,
      logger: false,
    });
    app.setGlobalPrefix(API_PREFIX);
    document = createOpenApiDocument(app);
    await app.close();
  });

  it('is a valid OpenAPI 3 document', async () => {
    const copy = structuredClone(document) as unknown as Parameters<
      typeof SwaggerParser.validate
    >[0];
    await expect(SwaggerParser.validate(copy)).resolves.toBeTruthy();
    expect(document.openapi).toMatch(/^3\./);
  });

  it('gives every operation a summary and documented responses', () => {
    for (const [route, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(
        item as Record<string, { summary?: string; responses?: object }>,
      )) {
        expect(op.summary, `${method.toUpperCase()} ${route} has no summary`).toBeTruthy();
        expect(
          Object.keys(op.responses ?? {}).length,
          `${method.toUpperCase()} ${route}`,
        ).toBeGreaterThan(0);
      }
    }
  });
});

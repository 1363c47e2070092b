import type { INestApplication } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
import { answerClientErrorsWithEnvelope } from './common/http/client-error.handler.js';
import { EnvelopeInterceptor } from './common/http/envelope.interceptor.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import type { AllConfig } from './config/index.js';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { METRICS_SECURITY } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { mountTrackingPage } from './public-tracking/page/tracking-page.js';

export const API_PREFIX = 'api';

/** Everything main.ts and the e2e tests share, so tests exercise the real HTTP surface. */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get<ConfigService<AllConfig, true>>(ConfigService);
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX);
  app.use(httpMetricsMiddleware(app.get(MetricsService)));
  app.useBodyParser('json', { limit: config.getOrThrow('app.bodyLimit', { infer: true }) });
  app.use(helmet());
  app.enableCors({ origin: config.getOrThrow('app.corsOrigins', { infer: true }) });
  app.set('trust proxy', 'loopback');
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  answerClientErrorsWithEnvelope(app.getHttpServer());
  app.useGlobalInterceptors(new EnvelopeInterceptor(app.get(Reflector)));
  // The shopper's tracking page lives outside /api (see public-tracking/page).
  mountTrackingPage(app);
  SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: `${API_PREFIX}/docs-json`,
  });
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const options = new DocumentBuilder()
    .setTitle('Docket API')
    .setDescription(
      'Orders and Sequel247 shipment tracking for an Indian online jewellery store. ' +
        'Every success is `{ "success": true, "data": … }`; lists are ' +
        '`{ "success": true, "data": [ … ], "meta": { "page", "limit", "total", "pages" } }`; every error is ' +
        '`{ "success": false, "error": { "code", "message", "details" } }`. Money is integer paise; times are UTC.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for Prometheus' },
      METRICS_SECURITY,
    )
    .build();
  return SwaggerModule.createDocument(app, options);
}

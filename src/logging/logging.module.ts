import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { AllConfig } from '../config/index.js';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * Structured JSON logs: one line per request (method, path, status, duration, request id).
 * Bodies and credentials are never logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => ({
        pinoHttp: {
          level: config.getOrThrow('app.logLevel', { infer: true }),
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const incoming = req.headers['x-request-id'];
            const id =
              typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
            res.setHeader('x-request-id', id);
            return id;
          },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ status: res.statusCode }),
          },
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              '*.password',
              '*.token',
              '*.passwordHash',
            ],
            censor: '[redacted]',
          },
          customSuccessMessage: (req: IncomingMessage, res: ServerResponse, ms: number) =>
            `${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(ms)}ms`,
          customErrorMessage: (req: IncomingMessage, res: ServerResponse) =>
            `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
          customAttributeKeys: { responseTime: 'durationMs' },
          quietReqLogger: true,
        },
      }),
    }),
  ],
})
export class LoggingModule {}

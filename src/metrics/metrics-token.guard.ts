import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { AuthenticationRequiredError } from '../auth/auth.errors.js';
import type { AllConfig } from '../config/index.js';

/** `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(private readonly config: ConfigService<AllConfig, true>) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.getOrThrow('metrics', { infer: true }).token;
    if (!expected) {
      throw new AuthenticationRequiredError(
        'Metrics are disabled: set METRICS_TOKEN to enable them',
      );
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
    const wanted = Buffer.from(expected);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      throw new AuthenticationRequiredError('Missing or wrong metrics token');
    }
    return true;
  }
}

import { type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthUser } from '../../auth/auth-user.js';
import { JwtAuthGuard } from '../../auth/guards/jwt-auth.guard.js';
import { StreamTokens } from './stream-tokens.service.js';

/**
 * A stream route's authentication: a one-use stream token in `?token=` (for EventSource), or
 * else the usual bearer header.
 */
@Injectable()
export class LiveStreamAuthGuard extends JwtAuthGuard {
  constructor(private readonly tokens: StreamTokens) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = request.query.token;
    if (typeof token === 'string' && token.length > 0) {
      request.user = await this.tokens.redeem(token);
      return true;
    }
    return (await super.canActivate(context)) as boolean;
  }
}

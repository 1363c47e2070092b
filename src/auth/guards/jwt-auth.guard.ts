import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { isDatabaseUnavailable } from '../../common/errors/database-unavailable.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { AuthenticationRequiredError } from '../auth.errors.js';
import { IS_PUBLIC_KEY } from '../decorators/public.decorator.js';

/**
 * The global guard: every route needs a valid bearer token unless marked `@Public()`.
 * passport-jwt's failure reasons become one 401 with a message saying which.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return isPublic ? true : this.authenticate(context);
  }

  /** The bearer check itself, whatever the route's metadata (LiveStreamAuthGuard uses it). */
  protected authenticate(context: ExecutionContext) {
    return super.canActivate(context);
  }

  override handleRequest<TUser>(err: unknown, user: TUser, info: unknown): TUser {
    // A database outage while loading the account is a 503, not a bad token.
    if (err instanceof DomainError || isDatabaseUnavailable(err)) throw err;
    if (err || !user) {
      const reason = info instanceof Error ? info : undefined;
      if (reason?.name === 'TokenExpiredError') {
        throw new AuthenticationRequiredError('Access token has expired');
      }
      if (reason?.message === 'No auth token') {
        throw new AuthenticationRequiredError('Missing bearer token in the Authorization header');
      }
      throw new AuthenticationRequiredError('Access token is invalid');
    }
    return user;
  }
}

import { type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { AuthUser } from '../../auth/auth-user.js';
import { InsufficientRoleError } from '../../auth/auth.errors.js';
import { JwtAuthGuard } from '../../auth/guards/jwt-auth.guard.js';
import type { Role } from '../../users/role.enum.js';
import { StreamTokens } from './stream-tokens.service.js';

const STREAM_ROLES_KEY = 'docket:stream-roles';

/** Roles a stream route requires, checked by LiveStreamAuthGuard once it knows the caller. */
export const StreamRoles = (...roles: Role[]) => SetMetadata(STREAM_ROLES_KEY, roles);

/**
 * A stream route's authentication: a one-use stream token in `?token=` (for EventSource), or
 * else the usual bearer header. Stream routes are `@Public()` for the global guards (which know
 * only the bearer header) and use this guard instead, so an anonymous call is still a 401.
 */
@Injectable()
export class LiveStreamAuthGuard extends JwtAuthGuard {
  constructor(
    private readonly metadata: Reflector,
    private readonly tokens: StreamTokens,
  ) {
    super(metadata);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const token = request.query.token;
    if (typeof token === 'string' && token.length > 0) {
      request.user = await this.tokens.redeem(token);
    } else {
      await this.authenticate(context);
    }
    const roles = this.metadata.get<Role[] | undefined>(STREAM_ROLES_KEY, context.getHandler());
    if (roles?.length && (!request.user || !roles.includes(request.user.role))) {
      throw new InsufficientRoleError(roles);
    }
    return true;
  }
}

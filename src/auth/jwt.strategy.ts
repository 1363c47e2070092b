import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AllConfig } from '../config/index.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { AuthenticationRequiredError } from './auth.errors.js';

export interface JwtPayload {
  sub: string;
}

/**
 * Verifies the bearer token, then loads the user on every request: a deleted user's token is
 * rejected and a role change applies at once, without waiting for the token to expire.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: ConfigService<AllConfig, true>,
    private readonly users: UsersService,
  ) {
    const auth = config.getOrThrow('auth', { infer: true });
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: auth.jwtSecret,
      algorithms: ['HS256'],
      issuer: auth.jwtIssuer,
      audience: auth.jwtAudience,
      ignoreExpiration: false,
      // A token must say when it expires: one without `exp` would never expire.
      jsonWebTokenOptions: { maxAge: `${auth.jwtExpiresIn}s` },
    });
  }

  async validate(payload: JwtPayload): Promise<AuthUser> {
    const user = typeof payload.sub === 'string' ? await this.users.findById(payload.sub) : null;
    if (!user) throw new AuthenticationRequiredError('The account for this token no longer exists');
    return { id: user.id, email: user.email, role: user.role };
  }
}

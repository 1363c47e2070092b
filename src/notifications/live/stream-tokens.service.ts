import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { Model, trusted } from 'mongoose';
import type { AuthUser } from '../../auth/auth-user.js';
import { AuthenticationRequiredError } from '../../auth/auth.errors.js';
import type { AllConfig } from '../../config/index.js';
import { UsersService } from '../../users/users.service.js';
import { StreamTokenDoc } from './stream-token.schema.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Short-lived, one-use tokens for `EventSource` (which cannot send an Authorization header).
 * Stored in the database so any instance accepts a token issued by another; used once because
 * claiming it is a delete, which only one caller can win.
 */
@Injectable()
export class StreamTokens {
  private readonly ttlMs: number;
  private issued = 0;

  constructor(
    @InjectModel(StreamTokenDoc.name) private readonly tokens: Model<StreamTokenDoc>,
    private readonly users: UsersService,
    config: ConfigService<AllConfig, true>,
  ) {
    this.ttlMs = config.getOrThrow('notifications', { infer: true }).live.tokenTtlSeconds * 1000;
  }

  async issue(user: AuthUser): Promise<{ token: string; expiresAt: Date }> {
    const token = `lst_${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.tokens.create({ _id: hash(token), userId: user.id, expiresAt });
    // No TTL indexes on FerretDB: sweep expired tokens now and then.
    if (++this.issued % 100 === 0) {
      await this.tokens.deleteMany({ expiresAt: trusted({ $lt: new Date() }) });
    }
    return { token, expiresAt };
  }

  /** The token's user, once; a second use, an expired or an unknown token is a 401. */
  async redeem(token: string): Promise<AuthUser> {
    const id = hash(token);
    const stored = await this.tokens.findById(id).lean<StreamTokenDoc>();
    const claimed = stored ? (await this.tokens.deleteOne({ _id: id })).deletedCount === 1 : false;
    if (!stored || !claimed) {
      throw new AuthenticationRequiredError('Stream token is invalid or was already used');
    }
    if (stored.expiresAt.getTime() < Date.now()) {
      throw new AuthenticationRequiredError('Stream token has expired');
    }
    const user = await this.users.findById(stored.userId);
    if (!user) throw new AuthenticationRequiredError('The account for this token no longer exists');
    return { id: user.id, email: user.email, role: user.role };
  }
}

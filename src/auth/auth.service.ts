import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { AllConfig } from '../config/index.js';
import type { UserDto } from '../users/dto/user.dto.js';
import { Role } from '../users/role.enum.js';
import { UsersService } from '../users/users.service.js';
import { InvalidCredentialsError } from './auth.errors.js';
import type { AccessTokenDto, AuthResponseDto } from './dto/auth-response.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import type { JwtPayload } from './jwt.strategy.js';
import { PasswordHasher } from './password-hasher.js';

export interface NewAccount {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  phone?: string;
}

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly hasher: PasswordHasher,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /** Public registration always creates a customer. */
  async register(dto: RegisterDto): Promise<AuthResponseDto> {
    const user = await this.createAccount(dto, Role.Customer);
    return { ...(await this.issueToken(user.id)), user };
  }

  async login(dto: LoginDto): Promise<AccessTokenDto> {
    const credentials = await this.users.findCredentialsByEmail(dto.email);
    const ok = await this.hasher.verify(credentials?.passwordHash ?? null, dto.password);
    if (!credentials || !ok) throw new InvalidCredentialsError();
    return this.issueToken(credentials.id);
  }

  async createAccount(account: NewAccount, role: Role): Promise<UserDto> {
    const { password, ...profile } = account;
    return this.users.create({ ...profile, passwordHash: await this.hasher.hash(password), role });
  }

  /** Creates an admin unless the email exists. Idempotent; used at boot and by the CLI. */
  async ensureAdmin(account: NewAccount): Promise<boolean> {
    const { password, ...profile } = account;
    return this.users.ensure({
      ...profile,
      passwordHash: await this.hasher.hash(password),
      role: Role.Admin,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config.getOrThrow('auth', { infer: true });
    if (!adminEmail || !adminPassword) return;
    const created = await this.ensureAdmin({
      email: adminEmail,
      password: adminPassword,
      firstName: 'Admin',
      lastName: 'Docket',
    });
    if (created) this.logger.log(`Created the first admin ${adminEmail} from ADMIN_EMAIL`);
  }

  private async issueToken(userId: string): Promise<AccessTokenDto> {
    const expiresIn = this.config.getOrThrow('auth', { infer: true }).jwtExpiresIn;
    const payload: JwtPayload = { sub: userId };
    return { accessToken: await this.jwt.signAsync(payload), tokenType: 'Bearer', expiresIn };
  }
}

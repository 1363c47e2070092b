import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthService } from '../auth/auth.service.js';
import type { AllConfig } from '../config/index.js';
import { Role } from '../users/role.enum.js';
import { UsersService } from '../users/users.service.js';
import { DEMO_ADMIN, DEMO_CUSTOMER } from './demo-users.js';

/** Seeds demo accounts (and catalogue) at boot when DEMO_DATA is on. Idempotent across restarts. */
@Injectable()
export class DemoDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.getOrThrow('app', { infer: true }).demoData) return;
    await this.seed();
  }

  async seed(): Promise<void> {
    const seeded: string[] = [];
    if (await this.auth.ensureAdmin(DEMO_ADMIN)) seeded.push(`admin ${DEMO_ADMIN.email}`);
    if (!(await this.users.findCredentialsByEmail(DEMO_CUSTOMER.email))) {
      await this.auth.createAccount(DEMO_CUSTOMER, Role.Customer);
      seeded.push(`customer ${DEMO_CUSTOMER.email}`);
    }
    if (seeded.length) this.logger.log(`Demo data seeded: ${seeded.join(', ')}`);
  }
}

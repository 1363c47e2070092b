import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthService } from '../../auth/auth.service.js';
import type { AllConfig } from '../../config/index.js';
import { ProductsService } from '../../products/products.service.js';
import { Role } from '../../users/role.enum.js';
import { UsersService } from '../../users/users.service.js';
import { DemoOrdersService } from './demo-orders.service.js';
import { DEMO_PRODUCTS } from './demo-products.js';
import { DEMO_ADMIN, DEMO_CUSTOMER } from './demo-users.js';

/**
 * Seeds demo accounts, the demo catalogue and the demo customer's orders at boot when
 * DEMO_DATA is on. Idempotent across restarts.
 */
@Injectable()
export class DemoDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly products: ProductsService,
    private readonly demoOrders: DemoOrdersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const app = this.config.getOrThrow('app', { infer: true });
    // Config refuses DEMO_DATA=true whenever anything real is configured (see deployment-mode).
    if (!app.demoData) return;
    await this.seed();
  }

  async seed(): Promise<void> {
    const seeded: string[] = [];
    if (await this.auth.ensureAdmin(DEMO_ADMIN)) seeded.push(`admin ${DEMO_ADMIN.email}`);
    if (!(await this.users.findCredentialsByEmail(DEMO_CUSTOMER.email))) {
      await this.auth.createAccount(DEMO_CUSTOMER, Role.Customer);
      seeded.push(`customer ${DEMO_CUSTOMER.email}`);
    }
    const newProducts = await this.seedCatalogue();
    if (newProducts > 0) seeded.push(`${newProducts} catalogue product(s)`);
    if (seeded.length) this.logger.log(`Demo data seeded: ${seeded.join(', ')}`);
    await this.demoOrders.seedDemoOrders();
  }

  /** Inserts each missing demo SKU; existing products are never changed. Returns how many. */
  private async seedCatalogue(): Promise<number> {
    let created = 0;
    for (const product of DEMO_PRODUCTS) {
      if (await this.products.ensureBySku(product)) created += 1;
    }
    return created;
  }
}

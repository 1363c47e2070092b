import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AuthUser } from '../../auth/auth-user.js';
import type { AllConfig } from '../../config/index.js';
import { SANDBOX_TOKEN } from '../../config/sequel247.config.js';
import type { OrderDto } from '../../orders/dto/order.dto.js';
import { OrderShippingService } from '../../orders/order-shipping.service.js';
import { OrderStatus, StatusChangeSource } from '../../orders/order-status.js';
import { OrdersService } from '../../orders/orders.service.js';
import { ProductsService } from '../../products/products.service.js';
import { UsersService } from '../../users/users.service.js';
import { DEMO_ORDERS, DemoOrder } from './demo-orders.js';
import { DEMO_ADMIN, DEMO_CUSTOMER } from './demo-users.js';
import { errorMessage } from '../../common/errors/error-message.js';

interface PlacedDemoOrder {
  spec: DemoOrder;
  order: OrderDto;
}

/**
 * Gives the demo customer a few orders in several states, through the same services the HTTP
 * routes use: placed by the customer, one moved to `processing` and two shipped by the demo
 * admin with a real booking, so the customer sees tracking that moves with the sandbox clock.
 */
@Injectable()
export class DemoOrdersService {
  private readonly logger = new Logger(DemoOrdersService.name);

  constructor(
    private readonly config: ConfigService<AllConfig, true>,
    private readonly users: UsersService,
    private readonly products: ProductsService,
    private readonly orders: OrdersService,
    private readonly shipping: OrderShippingService,
  ) {}

  /**
   * Seeds DEMO_ORDERS when the demo customer has no orders yet. Never throws: demo orders are
   * a convenience, so a failure (the courier down, a demo product deactivated) is logged and
   * the app boots without them.
   */
  async seedDemoOrders(): Promise<void> {
    try {
      await this.seedForDemoCustomer();
    } catch (error) {
      this.logger.error(`Demo orders not seeded: ${errorMessage(error)}`);
    }
  }

  private async seedForDemoCustomer(): Promise<void> {
    const customer = await this.account(DEMO_CUSTOMER.email);
    const admin = await this.account(DEMO_ADMIN.email);
    if (!customer || !admin) {
      this.logger.warn('Demo orders not seeded: the demo accounts do not exist');
      return;
    }
    // Any order at all means the customer has been used (or seeded before): leave it alone.
    if ((await this.orders.listMine(customer.id, { page: 1, limit: 1 })).total > 0) return;

    const productIds = await this.demoProductIds();
    const placed: PlacedDemoOrder[] = [];
    for (const spec of DEMO_ORDERS) {
      placed.push({ spec, order: await this.place(customer, spec, productIds) });
    }
    for (const entry of placed.filter((p) => p.spec.outcome === 'processing')) {
      entry.order = await this.orders.changeStatus(entry.order._id, OrderStatus.Processing, {
        source: StatusChangeSource.Admin,
        actor: admin.id,
        note: 'Demo data: being packed',
      });
    }
    await this.shipWithSandbox(
      placed.filter((p) => p.spec.outcome === 'shipped'),
      admin,
    );
    this.logger.log(`Demo orders seeded for ${customer.email}: ${summarise(placed)}`);
  }

  private async place(
    customer: AuthUser,
    spec: DemoOrder,
    productIds: Map<string, string>,
  ): Promise<OrderDto> {
    const items = spec.lines.map((line) => ({
      product: productIds.get(line.sku)!,
      quantity: line.quantity,
    }));
    const { order } = await this.orders.place(
      customer,
      { items, shippingAddress: spec.shippingAddress },
      spec.key,
    );
    return order;
  }

  /**
   * Books the orders with the courier, but only when the courier is the sandbox: a real
   * Sequel247 account must never receive demo bookings. Stops at the first failure (the
   * courier is likely down, and each attempt would hold up the boot); the rest stay unshipped.
   */
  private async shipWithSandbox(toShip: PlacedDemoOrder[], admin: AuthUser): Promise<void> {
    if (toShip.length === 0) return;
    const numbers = toShip.map((p) => p.order.orderNumber).join(', ');
    if (this.config.getOrThrow('sequel247', { infer: true }).token !== SANDBOX_TOKEN) {
      this.logger.warn(
        `Demo orders ${numbers} left unshipped: demo shipments are booked only with the Sequel247 sandbox, and SEQUEL247_TOKEN is not the sandbox token`,
      );
      return;
    }
    for (const entry of toShip) {
      try {
        entry.order = await this.shipping.ship(entry.order._id, { book: true }, admin);
      } catch (error) {
        this.logger.error(
          `Demo order ${entry.order.orderNumber} could not be shipped, so the remaining demo shipments were not booked either (ship them with POST /api/orders/admin/:orderId/ship): ${errorMessage(error)}`,
        );
        return;
      }
    }
  }

  /** Ids of the catalogue products the demo orders use. @throws when one is missing */
  private async demoProductIds(): Promise<Map<string, string>> {
    const skus = new Set(DEMO_ORDERS.flatMap((o) => o.lines.map((l) => l.sku)));
    const ids = new Map<string, string>();
    for (const sku of skus) {
      const { items } = await this.products.list({ page: 1, limit: 10, search: sku });
      const product = items.find((p) => p.sku === sku);
      if (!product) throw new Error(`demo product ${sku} is not in the catalogue`);
      ids.set(sku, product.id);
    }
    return ids;
  }

  private async account(email: string): Promise<AuthUser | null> {
    const credentials = await this.users.findCredentialsByEmail(email);
    return credentials
      ? { id: credentials.id, email: credentials.email, role: credentials.role }
      : null;
  }
}

/** `DKT-…(pending), DKT-…(shipped, docket 0012345678)` for the boot log. */
function summarise(placed: PlacedDemoOrder[]): string {
  return placed
    .map(({ order }) =>
      order.trackingNumber
        ? `${order.orderNumber} (${order.orderStatus}, docket ${order.trackingNumber})`
        : `${order.orderNumber} (${order.orderStatus})`,
    )
    .join(', ');
}

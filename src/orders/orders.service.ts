import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo, trusted } from 'mongoose';
import type { AuthUser } from '../auth/auth-user.js';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import { type OutboxEntry, OutboxEntriesWrittenEvent } from '../common/outbox/outbox-entry.js';
import { Page, skipFor } from '../common/pagination/pagination.js';
import type { AllConfig } from '../config/index.js';
import { ProductInactiveError, ProductNotFoundError } from '../products/products.errors.js';
import { ProductsService, StockLine } from '../products/products.service.js';
import { Role } from '../users/role.enum.js';
import type { AdminListOrdersQueryDto, ListMyOrdersQueryDto } from './dto/list-orders.query.js';
import type { OrderDto } from './dto/order.dto.js';
import type { PlaceOrderDto } from './dto/place-order.dto.js';
import {
  MergedLine,
  mergeLines,
  priceOrder,
  quantityErrors,
  requestFingerprint,
} from './order-lines.js';
import { generateOrderNumber } from './order-number.js';
import { pullOutboxEntries } from '../common/outbox/pull-outbox-entries.js';
import { createdEntry, statusChangedEntry } from './order-outbox-entries.js';
import { OrderWriteLock } from './order-write-lock.js';
import { checkTransition, releasesStock, STOCK_HOLDING_STATUSES } from './order-state-machine.js';
import { OrderStatus, StatusChangeSource } from './order-status.js';
import { shipmentsOf } from './order-fulfilment.js';
import { OrderShipmentsService } from './order-shipments.service.js';
import { OrderSnapshots } from './order-snapshots.service.js';
import { OrderSummaries } from './order-summaries.service.js';
import { OrderViewAssembler } from './order-view.assembler.js';
import {
  IdempotencyKeyReusedError,
  IllegalStatusTransitionError,
  OrderBusyError,
  OrderNotFoundError,
} from './orders.errors.js';
import { LeanOrder, Order, StatusChange } from './schemas/order.schema.js';
import { isDuplicateKeyError } from '../common/database/duplicate-key.js';

/** Who is changing an order's status, and why; becomes a `statusHistory` entry. */
export interface StatusChangeContext {
  source: StatusChangeSource;
  /** User id, courier name or job name. */
  actor: string | null;
  note?: string | null;
}

/** Fields set in the same update as a status change (e.g. the docket number when shipping). */
export type OrderExtraSet = Partial<Pick<Order, 'trackingNumber' | 'courierService'>>;

export interface PlacedOrder {
  order: OrderDto;
  /** True when an earlier request with the same Idempotency-Key created the order. */
  replayed: boolean;
}

type OrderDraft = Omit<Order, 'orderNumber' | 'createdAt' | 'updatedAt' | 'outbox'>;

const ORDER_NUMBER_ATTEMPTS = 5;
/** Conditional updates lost to concurrent changes before giving up with 409. */
const STATUS_CHANGE_ATTEMPTS = 5;
const OBJECT_ID = /^[a-f\d]{24}$/i;

/** An order reference from a URL: its id, or its order number. */
function refFilter(ref: string): Record<string, unknown> {
  return OBJECT_ID.test(ref) ? { _id: ref } : { orderNumber: ref.trim().toUpperCase() };
}

function stockLines(order: LeanOrder): StockLine[] {
  return order.items.map((item) => ({ productId: String(item.product), quantity: item.quantity }));
}

const SORTS: Record<AdminListOrdersQueryDto['sort'], Record<string, 1 | -1>> = {
  '-createdAt': { createdAt: -1, _id: -1 },
  createdAt: { createdAt: 1, _id: 1 },
  '-totalPaise': { totalPaise: -1, _id: -1 },
  totalPaise: { totalPaise: 1, _id: 1 },
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  /**
   * Every update of one order document goes through here (FerretDB updates are not isolated;
   * see KeyedMutex). Other modules change orders only by calling this service.
   */
  constructor(
    @InjectModel(Order.name) private readonly orders: Model<Order>,
    private readonly writes: OrderWriteLock,
    private readonly products: ProductsService,
    private readonly summaries: OrderSummaries,
    private readonly snapshots: OrderSnapshots,
    private readonly view: OrderViewAssembler,
    private readonly shipments: OrderShipmentsService,
    private readonly config: ConfigService<AllConfig, true>,
    private readonly events: EventEmitter2,
  ) {}

  /**
   * Prices the order from the catalogue, reserves its stock (all lines or none) and stores it
   * as `pending`. With an Idempotency-Key, a repeat of the same request returns the first order.
   * No transaction: stock is reserved first and put back if the order cannot be stored.
   */
  async place(
    customer: AuthUser,
    dto: PlaceOrderDto,
    idempotencyKey?: string,
  ): Promise<PlacedOrder> {
    const limits = this.config.getOrThrow('orders', { infer: true });
    const tooMany = quantityErrors(dto.items, limits.maxQuantityPerLine);
    if (tooMany.length) throw new ValidationFailedError(tooMany);
    const lines = mergeLines(dto.items);

    const idempotency = idempotencyKey
      ? {
          key: idempotencyKey,
          scope: `${customer.id}:${idempotencyKey}`,
          fingerprint: requestFingerprint(lines, dto.shippingAddress),
        }
      : undefined;
    if (idempotency) {
      const earlier = await this.findByScope(idempotency.scope);
      if (earlier) return this.replay(earlier, idempotency.fingerprint);
    }

    const priced = priceOrder(lines, await this.orderableProducts(lines), limits.shippingFeePaise);
    await this.products.reserveStock(lines);
    const now = new Date();
    const draft: OrderDraft = {
      user: new mongo.ObjectId(customer.id),
      customerEmail: customer.email,
      ...priced,
      items: priced.items.map((item) => ({ ...item, product: new mongo.ObjectId(item.product) })),
      currency: 'INR',
      shippingAddress: dto.shippingAddress,
      status: OrderStatus.Pending,
      statusHistory: [
        {
          from: null,
          to: OrderStatus.Pending,
          at: now,
          source: StatusChangeSource.Customer,
          actor: customer.id,
          note: null,
        },
      ],
      ...(idempotency && {
        idempotencyKey: idempotency.key,
        idempotencyScope: idempotency.scope,
        idempotencyFingerprint: idempotency.fingerprint,
      }),
    };
    try {
      const created = await this.insertWithFreshNumber(draft, idempotency?.scope);
      return { order: await this.view.one(created), replayed: false };
    } catch (error) {
      await this.putBack(lines, 'an order that could not be stored');
      if (idempotency && isDuplicateKeyError(error)) {
        // A concurrent request with the same key stored its order first.
        const earlier = await this.findByScope(idempotency.scope);
        if (earlier) return this.replay(earlier, idempotency.fingerprint);
      }
      throw error;
    }
  }

  /** One order by id or order number; a customer sees only their own (others' are 404). */
  async getForViewer(viewer: AuthUser, ref: string): Promise<OrderDto> {
    const filter = refFilter(ref);
    if (viewer.role !== Role.Admin) filter.user = viewer.id;
    const order = await this.orders.findOne(filter).lean<LeanOrder>();
    if (!order) throw new OrderNotFoundError(ref);
    return this.view.one(order);
  }

  /** The caller's orders, newest first. */
  async listMine(userId: string, query: ListMyOrdersQueryDto): Promise<Page<OrderDto>> {
    const filter: Record<string, unknown> = { user: userId };
    if (query.status?.length) filter.status = statusFilter(query.status);
    return this.page(filter, SORTS['-createdAt'], query);
  }

  async listForAdmin(query: AdminListOrdersQueryDto): Promise<Page<OrderDto>> {
    const filter: Record<string, unknown> = {};
    if (query.status?.length) filter.status = statusFilter(query.status);
    if (query.user) filter.user = query.user;
    if (query.orderNumber) filter.orderNumber = query.orderNumber;
    const createdAt = createdAtRange(query.from, query.to);
    if (createdAt) filter.createdAt = trusted(createdAt);
    return this.page(filter, SORTS[query.sort], query);
  }

  /** The owner cancels while `pending` or `processing`; stock goes back exactly once. */
  async cancelByCustomer(customer: AuthUser, ref: string, note?: string): Promise<OrderDto> {
    return this.applyTransition(
      { ...refFilter(ref), user: customer.id },
      ref,
      OrderStatus.Cancelled,
      { source: StatusChangeSource.Customer, actor: customer.id, note },
      {},
      STOCK_HOLDING_STATUSES,
    );
  }

  /**
   * Moves an order (by id or order number) to `to` if the state machine allows it, as ONE
   * conditional update guarded by the status it was read in, so of two racing changes only one
   * wins; the loser re-reads and is judged again (a no-op if the winner made the same move).
   * Appends a `statusHistory` entry and sets `extraSet` in the same update. A move to the
   * current status changes nothing and returns the order as it is. Moving to `cancelled` puts
   * the units back on the shelf, done only by the request whose update won.
   * @throws OrderNotFoundError | IllegalStatusTransitionError (409) | OrderBusyError (409)
   */
  async changeStatus(
    orderId: string,
    to: OrderStatus,
    context: StatusChangeContext,
    extraSet: OrderExtraSet = {},
  ): Promise<OrderDto> {
    return this.applyTransition(refFilter(orderId), orderId, to, context, extraSet);
  }

  /** @param allowedFrom further limits the statuses the move may start from (customer cancel) */
  private async applyTransition(
    filter: Record<string, unknown>,
    ref: string,
    to: OrderStatus,
    context: StatusChangeContext,
    extraSet: OrderExtraSet = {},
    allowedFrom?: readonly OrderStatus[],
  ): Promise<OrderDto> {
    return this.view.one(await this.transition(filter, ref, to, context, extraSet, allowedFrom));
  }

  private async transition(
    filter: Record<string, unknown>,
    ref: string,
    to: OrderStatus,
    context: StatusChangeContext,
    extraSet: OrderExtraSet = {},
    allowedFrom?: readonly OrderStatus[],
  ): Promise<LeanOrder> {
    for (let attempt = 0; attempt < STATUS_CHANGE_ATTEMPTS; attempt++) {
      const current = await this.orders.findOne(filter).lean<LeanOrder>();
      if (!current) throw new OrderNotFoundError(ref);
      if (checkTransition(current.status, to, current.orderNumber, context.source) === 'noop') {
        return current;
      }
      if (allowedFrom && !allowedFrom.includes(current.status)) {
        throw new IllegalStatusTransitionError(current.status, to, current.orderNumber);
      }
      if (to === OrderStatus.Cancelled && shipmentsOf(current).length > 0) {
        // Parcels have left: only the units in none of them are cancelled.
        const { order } = await this.shipments.cancelUnshipped(String(current._id), {
          ...context,
          note: context.note ?? 'Cancelled the units not yet shipped',
        });
        return order;
      }
      const entry: StatusChange = {
        from: current.status,
        to,
        at: new Date(),
        source: context.source,
        actor: context.actor,
        note: context.note ?? null,
      };
      const record = statusChangedEntry(current, entry);
      const updated = await this.writes.run(String(current._id), async () => {
        const after = await this.orders
          .findOneAndUpdate(
            {
              _id: current._id,
              status: current.status,
              // A parcel claimed since the read changes what a cancel may release: re-judge.
              shipmentsVersion:
                current.shipmentsVersion === undefined
                  ? trusted({ $exists: false })
                  : current.shipmentsVersion,
            },
            {
              $set: { status: to, ...extraSet, outboxPending: true },
              // The change and its outbox record in one single-document update.
              $push: { statusHistory: entry, outbox: record },
            },
            { returnDocument: 'after' },
          )
          .lean<LeanOrder>();
        // Inside the order's lock, so this instance stores its read models in write order.
        if (after) await Promise.all([this.summaries.record(after), this.snapshots.record(after)]);
        return after;
      });
      if (!updated) continue;
      this.outboxWritten(updated._id);
      if (releasesStock(current.status, to)) await this.releaseOrderStock(updated);
      return updated;
    }
    throw new OrderBusyError(ref);
  }

  // ---- Shipping (driven by OrderShippingService and the courier listener) ----

  /** The stored order by id or order number, for the shipping flow. @throws OrderNotFoundError */
  async findForShipping(ref: string): Promise<LeanOrder> {
    const order = await this.orders.findOne(refFilter(ref)).lean<LeanOrder>();
    if (!order) throw new OrderNotFoundError(ref);
    return order;
  }

  async toView(order: LeanOrder): Promise<OrderDto> {
    return this.view.one(order);
  }

  // ---- Transactional outbox (relayed by the Notifications module) ----

  /** The order's outbox entries not yet relayed (none when the order does not exist). */
  async outboxOf(orderId: string): Promise<OutboxEntry[]> {
    const order = await this.orders.findById(orderId, { outbox: 1 }).lean<LeanOrder>();
    return order?.outbox ?? [];
  }

  /**
   * Orders still carrying outbox entries, for the relay's repair pass. Such an order may have
   * been changed by a process that died before writing the change's summary and snapshot, so
   * both are recorded again here (a no-op for read models already current).
   */
  async findWithOutbox(limit: number): Promise<Array<{ orderId: string; outbox: OutboxEntry[] }>> {
    // Whole orders: FerretDB decodes the whole document whatever the projection.
    const orders = await this.orders.find({ outboxPending: true }).limit(limit).lean<LeanOrder[]>();
    const pending = [];
    for (const o of orders) {
      const id = String(o._id);
      await this.writes.run(id, () =>
        Promise.all([this.summaries.record(o), this.snapshots.record(o)]),
      );
      // Flagged but already emptied (a clear that lost its unset): drop the flag.
      if (!o.outbox?.length) await this.clearOutbox(id, []);
      else pending.push({ orderId: id, outbox: o.outbox });
    }
    return pending;
  }

  /** Removes relayed entries; through the per-order lock so it cannot undo a concurrent change. */
  async clearOutbox(orderId: string, keys: string[]): Promise<void> {
    const id = new mongo.ObjectId(orderId);
    await this.writes.run(orderId, async () => {
      // Each entry is pulled by its exact stored value, read uncast: FerretDB's `$pull` matches
      // whole elements only (a `{ key }` condition or an operator matches nothing there).
      const raw = await this.orders.collection.findOne({ _id: id }, { projection: { outbox: 1 } });
      const stored = (raw?.outbox ?? []) as Array<{ key: string }>;
      await pullOutboxEntries(this.orders.collection, id, stored, keys);
    });
  }

  private outboxWritten(orderId: unknown): void {
    this.events.emit(
      OutboxEntriesWrittenEvent.eventName,
      new OutboxEntriesWrittenEvent('orders', String(orderId)),
    );
  }

  /** Called only by the request that won the move to `cancelled`, so it runs once per order. */
  private async releaseOrderStock(order: LeanOrder): Promise<void> {
    const released = await this.putBack(stockLines(order), `cancelled order ${order.orderNumber}`);
    if (!released) return;
    await this.writes.run(String(order._id), () =>
      this.orders.updateOne(
        { _id: order._id, stockReleasedAt: trusted({ $exists: false }) },
        { $set: { stockReleasedAt: new Date() } },
        // Bookkeeping, not a change the customer sees.
        { timestamps: false },
      ),
    );
  }

  /** Returns units to stock; on failure logs what is owed (for repair) instead of throwing. */
  private async putBack(lines: MergedLine[] | StockLine[], reason: string): Promise<boolean> {
    try {
      await this.products.releaseStock(lines);
      return true;
    } catch (error) {
      this.logger.error(`Stock for ${reason} was not fully released: ${String(error)}`);
      return false;
    }
  }

  private async orderableProducts(lines: MergedLine[]) {
    const products = await this.products.findSnapshots(lines.map((l) => l.productId));
    const missing = lines.filter((l) => !products.has(l.productId)).map((l) => l.productId);
    if (missing.length) throw new ProductNotFoundError(missing);
    const inactive = [...products.values()].filter((p) => !p.active);
    if (inactive.length) {
      throw new ProductInactiveError(inactive.map((p) => ({ id: p.id, sku: p.sku })));
    }
    return products;
  }

  /** Inserts with a new random order number, retrying on the rare number collision. */
  private async insertWithFreshNumber(
    draft: OrderDraft,
    idempotencyScope?: string,
  ): Promise<LeanOrder> {
    for (let attempt = 1; ; attempt++) {
      try {
        const _id = new mongo.ObjectId();
        const orderNumber = generateOrderNumber();
        const created = (
          await this.orders.create({
            ...draft,
            _id,
            orderNumber,
            outbox: [createdEntry(String(_id), orderNumber, draft)],
            outboxPending: true,
          })
        ).toObject<LeanOrder>();
        await Promise.all([this.summaries.record(created), this.snapshots.record(created)]);
        this.outboxWritten(_id);
        return created;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= ORDER_NUMBER_ATTEMPTS) throw error;
        // The other unique index: the caller turns it into a replay.
        if (idempotencyScope && (await this.findByScope(idempotencyScope))) throw error;
        this.logger.warn('Order number collision; retrying with a new number');
      }
    }
  }

  private findByScope(scope: string): Promise<LeanOrder | null> {
    return this.orders.findOne({ idempotencyScope: scope }).lean<LeanOrder>();
  }

  private async replay(order: LeanOrder, fingerprint: string): Promise<PlacedOrder> {
    if (order.idempotencyFingerprint && order.idempotencyFingerprint !== fingerprint) {
      throw new IdempotencyKeyReusedError(order.orderNumber);
    }
    return { order: await this.view.one(order), replayed: true };
  }

  /**
   * One page: picked (and counted) on the slim order summaries, then the page's orders read
   * from their snapshots (see OrderSnapshots.read). A snapshot that is missing or behind its
   * summary is replaced by the order itself (and re-recorded); summaries found behind their
   * orders are re-recorded.
   */
  private async page(
    filter: Record<string, unknown>,
    sort: Record<string, 1 | -1>,
    query: { page: number; limit: number },
  ): Promise<Page<OrderDto>> {
    const { rows, total } = await this.summaries.page(filter, sort, skipFor(query), query.limit);
    const copies = await this.snapshots.read(rows);
    const found = await Promise.all(
      rows.map(async (row, i) => {
        const copy = copies[i];
        if (copy) return copy;
        const order = await this.orders.findById(row._id).lean<LeanOrder>();
        if (order) await this.snapshots.record(order);
        return order;
      }),
    );
    await this.summaries.healPage(rows, found);
    const orders = found.filter((o): o is LeanOrder => o !== null);
    return { items: await this.view.many(orders), page: query.page, limit: query.limit, total };
  }
}

/** One status as an equality (FerretDB pushes that down to its index; not `$in`). */
function statusFilter(statuses: OrderStatus[]): unknown {
  return statuses.length === 1 ? statuses[0] : trusted({ $in: statuses });
}

function createdAtRange(from?: string, to?: string): Record<string, Date> | undefined {
  if (!from && !to) return undefined;
  const range: Record<string, Date> = {};
  if (from) range.$gte = new Date(from);
  if (to) {
    // A bare date means the whole of that UTC day.
    if (DATE_ONLY.test(to)) range.$lt = new Date(new Date(to).getTime() + DAY_MS);
    else range.$lte = new Date(to);
  }
  if (from && to && range.$gte > (range.$lt ?? range.$lte)) {
    throw new ValidationFailedError([{ field: 'from', messages: ['from must not be after to'] }]);
  }
  return range;
}

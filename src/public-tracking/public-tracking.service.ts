import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ValidationFailedError } from '../common/errors/domain-error.js';
import type { AllConfig } from '../config/index.js';
import { ORDER_NUMBER_PATTERN } from '../orders/order-number.js';
import { OrderNotFoundError } from '../orders/orders.errors.js';
import { OrdersService } from '../orders/orders.service.js';
import type { LeanOrder } from '../orders/schemas/order.schema.js';
import { matchesRule, SEQUEL247_DOCKET_RULE } from '../courier/docket-rules.js';
import { TrackingService } from '../tracking/tracking.service.js';
import type { PublicParcelDto } from './dto/public-parcel.dto.js';
import { FixedWindowLimiter } from './public-lookup.limiter.js';
import { toPublicParcel } from './public-parcel.view.js';
import { linkError, ParcelNotFoundError, TooManyLookupsError } from './public-tracking.errors.js';
import { TrackingLinkSigner } from './tracking-link.signer.js';

/** Compared when no order was found, so a miss costs what a wrong email costs. */
const NO_EMAIL_DIGEST = createHash('sha256').update('\0no-order\0').digest();

function emailDigest(email: string): Buffer {
  return createHash('sha256').update(email.trim().toLowerCase()).digest();
}

/** An order or docket number as typed by a shopper. @throws ValidationFailedError */
export function parseParcelRef(raw: string): { orderNumber: string } | { docketNumber: string } {
  const trimmed = raw.trim();
  const ref = trimmed.toUpperCase();
  if (ORDER_NUMBER_PATTERN.test(ref)) return { orderNumber: ref };
  // Shoppers look up Sequel247 dockets (10 digits); other couriers' parcels by order number.
  if (matchesRule(SEQUEL247_DOCKET_RULE, trimmed)) return { docketNumber: trimmed };
  throw new ValidationFailedError([
    {
      field: 'ref',
      messages: ['ref must be an order number (DKT-YYMMDD-XXXXXX) or a 10-digit docket number'],
    },
  ]);
}

/**
 * Tracking for shoppers without an account: by order (or docket) number plus the order's
 * email, or by a signed link. Answers with the redacted parcel view only.
 */
@Injectable()
export class PublicTrackingService {
  private readonly perIp: FixedWindowLimiter;
  private readonly perOrder: FixedWindowLimiter;

  constructor(
    private readonly orders: OrdersService,
    private readonly tracking: TrackingService,
    private readonly links: TrackingLinkSigner,
    config: ConfigService<AllConfig, true>,
  ) {
    const settings = config.getOrThrow('publicTracking', { infer: true });
    this.perIp = new FixedWindowLimiter(settings.ipLimit, settings.ipWindowSeconds * 1000);
    this.perOrder = new FixedWindowLimiter(settings.orderLimit, settings.orderWindowSeconds * 1000);
  }

  /**
   * Counts a lookup against the caller's IP and against the order it names (so guessing emails
   * for one order is slow from any number of IPs). @throws TooManyLookupsError
   */
  checkRate(ip: string, ref: string): void {
    const byIp = this.perIp.hit(ip);
    const byOrder = this.perOrder.hit(ref.trim().toUpperCase());
    const wait = Math.max(byIp, byOrder);
    if (wait > 0) throw new TooManyLookupsError(wait);
  }

  /**
   * The parcel whose order or docket number is `ref` and whose order email is `email`.
   * An unknown number and a wrong email give the same error after the same work: one lookup
   * by number, one constant-time comparison of email digests.
   * @throws ParcelNotFoundError | ValidationFailedError
   */
  async lookup(rawRef: string, email: string): Promise<PublicParcelDto> {
    const ref = parseParcelRef(rawRef);
    const candidate = await this.findCandidate(ref);
    const matches = timingSafeEqual(
      candidate ? emailDigest(candidate.email) : NO_EMAIL_DIGEST,
      emailDigest(email),
    );
    if (!candidate || !matches) throw new ParcelNotFoundError();
    const order = candidate.order ?? (await this.findOrder(candidate.orderId));
    if (!order) throw new ParcelNotFoundError();
    return toPublicParcel(await this.orders.toView(order));
  }

  /** The order a signed link names. @throws TrackingLinkInvalidError | TrackingLinkExpiredError */
  orderIdOfLink(token: string): string {
    const check = this.links.verify(token);
    if (!check.valid) throw linkError(check.problem);
    return check.orderId;
  }

  /** The parcel a signed link names. */
  async byLink(token: string): Promise<PublicParcelDto> {
    return this.parcelOf(this.orderIdOfLink(token));
  }

  /** The parcel view of an order (for a link already verified). @throws ParcelNotFoundError */
  async parcelOf(orderId: string): Promise<PublicParcelDto> {
    const order = await this.findOrder(orderId);
    if (!order) throw new ParcelNotFoundError();
    return toPublicParcel(await this.orders.toView(order));
  }

  private async findCandidate(
    ref: { orderNumber: string } | { docketNumber: string },
  ): Promise<{ email: string; orderId: string; order?: LeanOrder } | null> {
    if ('orderNumber' in ref) {
      const order = await this.findOrder(ref.orderNumber);
      return order ? { email: order.customerEmail, orderId: String(order._id), order } : null;
    }
    // The tracking (looked up by its primary key) carries the order's id and email.
    const tracking = await this.tracking.findByDocket(ref.docketNumber);
    return tracking ? { email: tracking.customerEmail, orderId: tracking.orderId } : null;
  }

  private async findOrder(ref: string): Promise<LeanOrder | null> {
    try {
      return await this.orders.findForShipping(ref);
    } catch (error) {
      if (error instanceof OrderNotFoundError) return null;
      throw error;
    }
  }
}

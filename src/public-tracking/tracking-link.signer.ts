import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config/index.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const ORDER_ID = /^[0-9a-f]{24}$/i;
const MAC_BYTES = 16;
const PAYLOAD_BYTES = 12 + 4;

export type TrackingLinkProblem = 'malformed' | 'forged' | 'expired';

export type TrackingLinkCheck =
  | { valid: true; orderId: string; expiresAt: Date }
  | { valid: false; problem: TrackingLinkProblem };

/**
 * Signed tracking links: `base64url(order id (12 bytes) ‖ expiry (uint32 seconds))` + `.` +
 * `base64url(HMAC-SHA256(secret, payload))[..16 bytes]`, 45 characters. Stateless: nothing is
 * stored, and changing PUBLIC_TRACKING_SECRET revokes every link. The expiry is rounded up to
 * the next UTC midnight so an order's link is the same all day (not a new URL on every read).
 */
@Injectable()
export class TrackingLinkSigner {
  private readonly secret: string;
  private readonly ttlDays: number;
  private readonly urlTemplate: string;

  constructor(config: ConfigService<AllConfig, true>) {
    const settings = config.getOrThrow('publicTracking', { infer: true });
    this.secret = settings.linkSecret;
    this.ttlDays = settings.linkTtlDays;
    this.urlTemplate = settings.urlTemplate;
  }

  /** A token valid at least `PUBLIC_TRACKING_LINK_TTL_DAYS` (90) days from `now`. */
  sign(orderId: string, now = new Date()): string {
    if (!ORDER_ID.test(orderId)) throw new Error(`Not an order id: ${orderId}`);
    const expiresMs = Math.ceil((now.getTime() + this.ttlDays * DAY_MS) / DAY_MS) * DAY_MS;
    const payload = Buffer.alloc(PAYLOAD_BYTES);
    Buffer.from(orderId, 'hex').copy(payload, 0);
    payload.writeUInt32BE(Math.floor(expiresMs / 1000), 12);
    return `${payload.toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  /** The public URL a shopper opens (the configured template with the token). */
  urlFor(orderId: string, now = new Date()): string {
    return this.urlTemplate.replace('{token}', this.sign(orderId, now));
  }

  verify(token: string, now = new Date()): TrackingLinkCheck {
    const [encoded, mac, extra] = token.split('.');
    if (!encoded || !mac || extra !== undefined) return { valid: false, problem: 'malformed' };
    const payload = Buffer.from(encoded, 'base64url');
    const given = Buffer.from(mac, 'base64url');
    // Only the canonical encoding: no second spelling of the same token.
    if (
      payload.length !== PAYLOAD_BYTES ||
      given.length !== MAC_BYTES ||
      payload.toString('base64url') !== encoded ||
      given.toString('base64url') !== mac
    ) {
      return { valid: false, problem: 'malformed' };
    }
    if (!timingSafeEqual(given, this.mac(payload))) return { valid: false, problem: 'forged' };
    const expiresAt = new Date(payload.readUInt32BE(12) * 1000);
    if (expiresAt.getTime() <= now.getTime()) return { valid: false, problem: 'expired' };
    return { valid: true, orderId: payload.subarray(0, 12).toString('hex'), expiresAt };
  }

  private mac(payload: Buffer): Buffer {
    return createHmac('sha256', this.secret)
      .update('docket-tracking-link.v1.')
      .update(payload)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

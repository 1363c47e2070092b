import type { OrderDto } from '../orders/dto/order.dto.js';
import type { PublicParcelDto } from './dto/public-parcel.dto.js';

/**
 * The city of a courier scan place: the last comma-separated part without pincode or hub
 * words, in title case ("ANDHERI EAST HUB, MUMBAI 400069" → "Mumbai"). Street-level detail
 * never reaches the public page.
 */
export function cityOf(location: string | null): string | null {
  if (!location) return null;
  const last = location.split(',').at(-1) ?? '';
  const city = last
    .replace(/\d+/g, ' ')
    .replace(/\b(HUB|GATEWAY|DC|SC|BRANCH|OFFICE|FACILITY)\b/gi, ' ')
    .replace(/[^\p{L}\s.-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .trim();
  if (!city) return null;
  return city.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());
}

/** The order view cut down to what a parcel page shows (see PublicParcelDto). */
export function toPublicParcel(order: OrderDto): PublicParcelDto {
  const t = order.trackingInfo;
  return {
    orderNumber: order.orderNumber,
    orderStatus: order.orderStatus,
    items: order.items.map((item) => ({ name: item.name })),
    trackingInfo: {
      hasTracking: t.hasTracking,
      docketNumber: t.docketNumber,
      courierService: t.courierService,
      status: t.status,
      estimatedDelivery: t.estimatedDelivery,
      trackingHistory: t.trackingHistory.map((scan) => ({
        status: scan.status,
        description: scan.description,
        location: cityOf(scan.location),
        occurredAt: scan.occurredAt,
      })),
      lastUpdatedAt: t.lastUpdatedAt,
    },
  };
}

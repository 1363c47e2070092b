/**
 * Docket's normalised shipment status. The first six are the seed's; the rest are what real
 * Indian courier shipments need (out for delivery, failed attempts, return to origin, exceptions).
 */
export enum TrackingStatus {
  OrderPlaced = 'ORDER_PLACED',
  Processing = 'PROCESSING',
  Packaging = 'PACKAGING',
  OnTheRoad = 'ON_THE_ROAD',
  OutForDelivery = 'OUT_FOR_DELIVERY',
  DeliveryFailed = 'DELIVERY_FAILED',
  Delivered = 'DELIVERED',
  ReturningToOrigin = 'RETURNING_TO_ORIGIN',
  ReturnedToOrigin = 'RETURNED_TO_ORIGIN',
  Exception = 'EXCEPTION',
  Cancelled = 'CANCELLED',
}

/** States after which the courier will report nothing new: polling stops. */
export const TERMINAL_TRACKING_STATUSES: ReadonlySet<TrackingStatus> = new Set([
  TrackingStatus.Delivered,
  TrackingStatus.Cancelled,
  TrackingStatus.ReturnedToOrigin,
]);

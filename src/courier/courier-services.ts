/**
 * The `courierService` values a request may name: one per provider registered in CourierModule
 * (a unit test pins that the two agree). Swagger and request validation read this list.
 */
export const COURIER_SERVICES = ['Sequel247', 'Manual'] as const;
export type CourierServiceName = (typeof COURIER_SERVICES)[number];

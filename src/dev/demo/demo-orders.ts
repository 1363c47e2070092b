import type { ShippingAddressDto } from '../../orders/dto/shipping-address.dto.js';

/** Where demo seeding leaves an order. `shipped` books it with the courier (sandbox only). */
export type DemoOrderOutcome = 'pending' | 'processing' | 'shipped';

export interface DemoOrder {
  /**
   * Idempotency-Key of the placement, so two instances seeding the same empty database at once
   * still place each demo order only once.
   */
  key: string;
  /** Lines by SKU of DEMO_PRODUCTS. */
  lines: ReadonlyArray<{ sku: string; quantity: number }>;
  shippingAddress: ShippingAddressDto;
  outcome: DemoOrderOutcome;
}

const ASHA_HOME: ShippingAddressDto = {
  fullName: 'Asha Rao',
  phone: '9876543210',
  line1: '12, 4th Cross, Malleshwaram',
  line2: 'Near Sampige Theatre',
  city: 'Bengaluru',
  state: 'Karnataka',
  pincode: '560003',
  country: 'IN',
};

/** A gift to her mother: a longer journey than the same-city parcel, so the two move apart. */
const MOTHER_IN_MUMBAI: ShippingAddressDto = {
  fullName: 'Lakshmi Rao',
  phone: '9820012345',
  line1: 'Flat 802, Sea Breeze CHS, Carter Road',
  line2: 'Bandra West',
  city: 'Mumbai',
  state: 'Maharashtra',
  pincode: '400050',
  country: 'IN',
};

/**
 * The demo customer's orders, placed oldest first (so `GET /api/orders/my`, newest first,
 * starts with the pending one).
 */
export const DEMO_ORDERS: readonly DemoOrder[] = [
  {
    key: 'demo-order-1',
    lines: [{ sku: 'DKT-RING-001', quantity: 1 }],
    shippingAddress: ASHA_HOME,
    outcome: 'shipped',
  },
  {
    key: 'demo-order-2',
    lines: [
      { sku: 'DKT-KUND-004', quantity: 1 },
      { sku: 'DKT-MAAN-008', quantity: 1 },
    ],
    shippingAddress: MOTHER_IN_MUMBAI,
    outcome: 'shipped',
  },
  {
    key: 'demo-order-3',
    lines: [{ sku: 'DKT-MNGL-003', quantity: 1 }],
    shippingAddress: ASHA_HOME,
    outcome: 'processing',
  },
  {
    key: 'demo-order-4',
    lines: [
      { sku: 'DKT-JHMK-002', quantity: 1 },
      { sku: 'DKT-ANKL-007', quantity: 2 },
    ],
    shippingAddress: ASHA_HOME,
    outcome: 'pending',
  },
];

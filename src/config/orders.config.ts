import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';
import { validateEnv } from './validate-env.js';

class OrdersEnv {
  @IsInt()
  @Min(1)
  @Max(1000)
  ORDER_MAX_QUANTITY_PER_LINE: number = 10;

  @IsInt()
  @Min(0)
  ORDER_SHIPPING_FEE_PAISE: number = 0;

  @IsInt()
  @Min(0)
  SHIPPING_REPAIR_AFTER_SECONDS: number = 120;

  @IsInt()
  @Min(0)
  @Max(1_000_000)
  ORDER_SNAPSHOT_CACHE_ENTRIES: number = 5_000;
}

export interface OrdersConfig {
  maxQuantityPerLine: number;
  /** Flat shipping fee in integer paise. */
  shippingFeePaise: number;
  /**
   * A shipment request this old whose order never reached `shipped` (a crash mid-way) is
   * completed by the repair step that runs after every tracking sync pass.
   */
  shippingRepairAfterSeconds: number;
  /**
   * Order snapshots (BSON, ~4 KB each) kept in memory for the lists, each checked against the
   * revision its summary names before use; 0 reads every page's orders from the database.
   */
  snapshotCacheEntries: number;
}

export const ordersConfig = registerAs('orders', (): OrdersConfig => {
  const env = validateEnv(OrdersEnv);
  return {
    maxQuantityPerLine: env.ORDER_MAX_QUANTITY_PER_LINE,
    shippingFeePaise: env.ORDER_SHIPPING_FEE_PAISE,
    shippingRepairAfterSeconds: env.SHIPPING_REPAIR_AFTER_SECONDS,
    snapshotCacheEntries: env.ORDER_SNAPSHOT_CACHE_ENTRIES,
  };
});

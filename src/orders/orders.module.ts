import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CourierModule } from '../courier/courier.module.js';
import { DeliveryEstimatesModule } from '../delivery-estimates/delivery-estimates.module.js';
import { ProductsModule } from '../products/products.module.js';
import { TrackingLinksModule } from '../public-tracking/tracking-links.module.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { AdminOrdersController } from './admin-orders.controller.js';
import { ShipmentEventsListener } from './listeners/shipment-events.listener.js';
import { OrderOutboxSource } from './order-outbox.source.js';
import { OrderShipmentWriter } from './order-shipment-writer.js';
import { OrderShipmentsService } from './order-shipments.service.js';
import { OrderShippingService } from './order-shipping.service.js';
import { OrderWriteLock } from './order-write-lock.js';
import { OrderViewAssembler } from './order-view.assembler.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { Order, OrderSchema } from './schemas/order.schema.js';
import { OrderSummary, OrderSummarySchema } from './schemas/order-summary.schema.js';
import { OrderSummaries } from './order-summaries.service.js';
import { OrderSnapshot, OrderSnapshotSchema } from './schemas/order-snapshot.schema.js';
import { OrderSnapshots } from './order-snapshots.service.js';

/**
 * Owns the `orders` collection (with each order's parcels) and its list read models
 * `order_summaries` (what lists filter, sort and count on) and `order_snapshots` (what a page
 * of orders is read from). Depends on the courier seam and on
 * Tracking (to ship); Tracking reports back only through events, handled by
 * ShipmentEventsListener, which keeps the parcels' summaries on the order current.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Order.name, schema: OrderSchema },
      { name: OrderSummary.name, schema: OrderSummarySchema },
      { name: OrderSnapshot.name, schema: OrderSnapshotSchema },
    ]),
    ProductsModule,
    TrackingModule,
    TrackingLinksModule,
    CourierModule,
    DeliveryEstimatesModule,
  ],
  // AdminOrdersController first: its static `orders/admin` routes must be registered before
  // OrdersController's `orders/:orderId`.
  controllers: [AdminOrdersController, OrdersController],
  providers: [
    OrdersService,
    OrderSummaries,
    OrderSnapshots,
    OrderShippingService,
    OrderOutboxSource,
    OrderViewAssembler,
    ShipmentEventsListener,
    OrderShipmentsService,
    OrderShipmentWriter,
    OrderWriteLock,
  ],
  exports: [OrdersService, OrderShippingService, OrderOutboxSource, OrderViewAssembler],
})
export class OrdersModule {}

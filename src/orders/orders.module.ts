import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ProductsModule } from '../products/products.module.js';
import { TrackingLinksModule } from '../public-tracking/tracking-links.module.js';
import { TrackingModule } from '../tracking/tracking.module.js';
import { AdminOrdersController } from './admin-orders.controller.js';
import { ShipmentEventsListener } from './listeners/shipment-events.listener.js';
import { OrderOutboxSource } from './order-outbox.source.js';
import { OrderShippingService } from './order-shipping.service.js';
import { OrderViewAssembler } from './order-view.assembler.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { Order, OrderSchema } from './schemas/order.schema.js';
import { TRACKING_INFO_SOURCE, TrackingModuleInfoSource } from './tracking-info.source.js';

/**
 * Owns the `orders` collection. Depends on Tracking (to ship and to show tracking); Tracking
 * reports back only through events, handled by ShipmentEventsListener.
 */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: Order.name, schema: OrderSchema }]),
    ProductsModule,
    TrackingModule,
    TrackingLinksModule,
  ],
  // AdminOrdersController first: its static `orders/admin` routes must be registered before
  // OrdersController's `orders/:orderId`.
  controllers: [AdminOrdersController, OrdersController],
  providers: [
    OrdersService,
    OrderShippingService,
    OrderOutboxSource,
    OrderViewAssembler,
    ShipmentEventsListener,
    { provide: TRACKING_INFO_SOURCE, useClass: TrackingModuleInfoSource },
  ],
  exports: [OrdersService, OrderShippingService, OrderOutboxSource, OrderViewAssembler],
})
export class OrdersModule {}

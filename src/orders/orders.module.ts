import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ProductsModule } from '../products/products.module.js';
import { AdminOrdersController } from './admin-orders.controller.js';
import { OrderViewAssembler } from './order-view.assembler.js';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { Order, OrderSchema } from './schemas/order.schema.js';
import { NoTrackingInfoSource, TRACKING_INFO_SOURCE } from './tracking-info.source.js';

@Module({
  imports: [MongooseModule.forFeature([{ name: Order.name, schema: OrderSchema }]), ProductsModule],
  // AdminOrdersController first: its static `orders/admin` routes must be registered before
  // OrdersController's `orders/:orderId`.
  controllers: [AdminOrdersController, OrdersController],
  providers: [
    OrdersService,
    OrderViewAssembler,
    // The tracking module replaces this with its batch lookup (useExisting: its service).
    { provide: TRACKING_INFO_SOURCE, useClass: NoTrackingInfoSource },
  ],
  exports: [OrdersService],
})
export class OrdersModule {}

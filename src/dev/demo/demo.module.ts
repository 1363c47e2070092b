import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { OrdersModule } from '../../orders/orders.module.js';
import { ProductsModule } from '../../products/products.module.js';
import { UsersModule } from '../../users/users.module.js';
import { DemoDataService } from './demo-data.service.js';
import { DemoOrdersService } from './demo-orders.service.js';

@Module({
  imports: [AuthModule, UsersModule, ProductsModule, OrdersModule],
  providers: [DemoDataService, DemoOrdersService],
})
export class DemoModule {}

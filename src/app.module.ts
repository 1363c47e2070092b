import { DynamicModule, Module, Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { AllConfig, configNamespaces } from './config/index.js';
import { AuthModule } from './auth/auth.module.js';
import { DeliveryEstimatesModule } from './delivery-estimates/delivery-estimates.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { ProductsModule } from './products/products.module.js';
import { PublicTrackingModule } from './public-tracking/public-tracking.module.js';
import { TrackingModule } from './tracking/tracking.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      load: configNamespaces,
      ignoreEnvFile: process.env.NODE_ENV === 'test',
    }),
    LoggingModule,
    MongooseModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) => {
        const uri = config.get('database.uri', { infer: true });
        if (!uri) throw new Error('MONGODB_URI is not set and no embedded database was started');
        const autoIndex = config.get('database.autoIndex', { infer: true });
        return { uri, serverSelectionTimeoutMS: 5_000, autoIndex };
      },
    }),
    EventEmitterModule.forRoot(),
    ScheduleModule.forRoot(),
    HealthModule,
    UsersModule,
    AuthModule,
    ProductsModule,
    OrdersModule,
    TrackingModule,
    NotificationsModule,
    WebhooksModule,
    PublicTrackingModule,
    DeliveryEstimatesModule,
    MetricsModule,
  ],
})
export class AppModule {
  /**
   * The app plus development-only modules (the demo data seeder), which main.ts imports
   * dynamically from src/dev/ for the embedded demo only. A production boot uses AppModule as is.
   */
  static withDevModules(devModules: Type[]): DynamicModule {
    return { module: AppModule, imports: devModules };
  }
}

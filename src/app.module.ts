import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { MongooseModule } from '@nestjs/mongoose';
import { ScheduleModule } from '@nestjs/schedule';
import { AllConfig, configNamespaces } from './config/index.js';
import { AuthModule } from './auth/auth.module.js';
import { DemoModule } from './demo/demo.module.js';
import { HealthModule } from './health/health.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { DevMailModule } from './dev/mail/dev-mail.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
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
        return { uri, serverSelectionTimeoutMS: 5_000, autoIndex: true };
      },
    }),
    EventEmitterModule.forRoot(),
    ScheduleModule.forRoot(),
    HealthModule,
    UsersModule,
    AuthModule,
    DemoModule,
    ProductsModule,
    OrdersModule,
    TrackingModule,
    NotificationsModule,
    // Development only: read what the embedded SMTP sink received (never in production).
    ...(process.env.NODE_ENV === 'production' ? [] : [DevMailModule]),
    WebhooksModule,
    PublicTrackingModule,
  ],
})
export class AppModule {}

import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config/index.js';
import type { CourierProvider } from './courier-provider.interface.js';
import { COURIER_PROVIDERS, CourierRegistry } from './courier-registry.js';
import { ManualProvider } from './manual/manual.provider.js';
import { SEQUEL247_CLIENT, type Sequel247Client } from './sequel247/sequel247-client.interface.js';
import { Sequel247Module } from './sequel247/sequel247.module.js';
import { Sequel247Provider } from './sequel247/sequel247.provider.js';

/**
 * The courier seam. Exports only {@link CourierRegistry}: Orders and Tracking never see a
 * provider's folder. To add a courier, add its folder and one entry below (the first is the
 * default courier).
 */
@Module({
  imports: [Sequel247Module],
  providers: [
    {
      provide: COURIER_PROVIDERS,
      inject: [SEQUEL247_CLIENT, ConfigService],
      useFactory: (
        sequel247: Sequel247Client,
        config: ConfigService<AllConfig, true>,
      ): CourierProvider[] => [
        new Sequel247Provider(
          sequel247,
          config.getOrThrow('sequel247.trackingUrlTemplate', { infer: true }),
        ),
        new ManualProvider(),
      ],
    },
    CourierRegistry,
  ],
  exports: [CourierRegistry],
})
export class CourierModule {}

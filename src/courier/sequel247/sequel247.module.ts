import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../../config/index.js';
import { SEQUEL247_CLIENT } from './sequel247-client.interface.js';
import { Sequel247HttpClient } from './sequel247-http.client.js';

/**
 * Provides {@link SEQUEL247_CLIENT}: other modules inject the `Sequel247Client` interface and
 * never see HTTP. Needs the global ConfigModule with the `sequel247` namespace loaded.
 */
@Module({
  providers: [
    {
      provide: SEQUEL247_CLIENT,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AllConfig, true>) =>
        new Sequel247HttpClient(config.getOrThrow('sequel247', { infer: true })),
    },
  ],
  exports: [SEQUEL247_CLIENT],
})
export class Sequel247Module {}

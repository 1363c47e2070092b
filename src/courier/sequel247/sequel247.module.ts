import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AllConfig } from '../../config/index.js';
import { SEQUEL247_CLIENT } from './sequel247-client.interface.js';
import { CourierCallCompletedEvent } from './events/courier-call-completed.event.js';
import { Sequel247HttpClient } from './sequel247-http.client.js';

/**
 * Provides {@link SEQUEL247_CLIENT}: other modules inject the `Sequel247Client` interface and
 * never see HTTP. Needs the global ConfigModule with the `sequel247` namespace loaded.
 */
@Module({
  providers: [
    {
      provide: SEQUEL247_CLIENT,
      inject: [ConfigService, { token: EventEmitter2, optional: true }],
      useFactory: (config: ConfigService<AllConfig, true>, events?: EventEmitter2) => {
        const client: Sequel247HttpClient = new Sequel247HttpClient({
          ...config.getOrThrow('sequel247', { infer: true }),
          onCallCompleted: ({ endpoint, outcome, durationMs }) =>
            events?.emit(
              CourierCallCompletedEvent.eventName,
              new CourierCallCompletedEvent(
                'Sequel247',
                endpoint,
                outcome,
                durationMs,
                client.circuitState,
              ),
            ),
        });
        return client;
      },
    },
  ],
  exports: [SEQUEL247_CLIENT],
})
export class Sequel247Module {}

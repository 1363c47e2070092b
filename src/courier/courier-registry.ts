import { Inject, Injectable } from '@nestjs/common';
import type { CourierProvider } from './courier-provider.interface.js';
import { UnknownCourierError } from './courier.errors.js';

/** Every registered provider, in registration order (the first is the default courier). */
export const COURIER_PROVIDERS = Symbol('COURIER_PROVIDERS');

/** The couriers Docket ships with, keyed by `courierService`. */
@Injectable()
export class CourierRegistry {
  private readonly byName = new Map<string, CourierProvider>();

  constructor(@Inject(COURIER_PROVIDERS) providers: CourierProvider[]) {
    for (const provider of providers) {
      if (this.byName.has(provider.courierService)) {
        throw new Error(`Two courier providers are registered as ${provider.courierService}`);
      }
      this.byName.set(provider.courierService, provider);
    }
    if (this.byName.size === 0) throw new Error('No courier provider is registered');
  }

  /** @throws UnknownCourierError */
  get(courierService: string): CourierProvider {
    const provider = this.byName.get(courierService);
    if (!provider) throw new UnknownCourierError(courierService, this.names());
    return provider;
  }

  has(courierService: string): boolean {
    return this.byName.has(courierService);
  }

  /** The courier used when a request names none (Sequel247). */
  get defaultProvider(): CourierProvider {
    return this.byName.values().next().value as CourierProvider;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Providers whose shipments the scheduled sync polls. */
  polled(): CourierProvider[] {
    return [...this.byName.values()].filter((p) => p.capabilities.polling);
  }
}

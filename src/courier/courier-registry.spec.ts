import { describe, expect, it } from 'vitest';
import { COURIER_SERVICES } from './courier-services.js';
import { CourierRegistry } from './courier-registry.js';
import { CourierCapabilityError, UnknownCourierError } from './courier.errors.js';
import { ManualProvider } from './manual/manual.provider.js';
import type { Sequel247Client } from './sequel247/sequel247-client.interface.js';
import { Sequel247Provider } from './sequel247/sequel247.provider.js';

const registry = () =>
  new CourierRegistry([
    new Sequel247Provider({} as Sequel247Client, 'https://sequel247.com/track/{docket}'),
    new ManualProvider(),
  ]);

describe('CourierRegistry', () => {
  it('registers exactly the courierService values requests may name, Sequel247 first (the default)', () => {
    const couriers = registry();
    expect(couriers.names()).toEqual([...COURIER_SERVICES]);
    expect(couriers.defaultProvider.courierService).toBe('Sequel247');
    expect(couriers.polled().map((p) => p.courierService)).toEqual(['Sequel247']);
  });

  it('names the known couriers when asked for an unknown one', () => {
    expect(() => registry().get('BlueDart')).toThrow(UnknownCourierError);
    expect(() => registry().get('BlueDart')).toThrow(/known: Sequel247, Manual/);
  });

  it('refuses two providers under one name', () => {
    expect(() => new CourierRegistry([new ManualProvider(), new ManualProvider()])).toThrow(
      /Two courier providers/,
    );
  });

  it('applies each provider its own docket rule and tracking page', () => {
    const couriers = registry();
    const sequel = couriers.get('Sequel247');
    const manual = couriers.get('Manual');
    expect(sequel.docketRule.pattern.test('0581094993')).toBe(true);
    expect(sequel.docketRule.pattern.test('BD-778812')).toBe(false);
    expect(manual.docketRule.pattern.test('BD-778812')).toBe(true);
    expect(manual.docketRule.pattern.test('no spaces')).toBe(false);
    expect(sequel.trackingUrl('0581094993')).toBe('https://sequel247.com/track/0581094993');
    expect(manual.trackingUrl('BD-778812')).toBeNull();
  });

  it('lets the manual provider refuse what it cannot do, with a 4xx domain error', async () => {
    const manual = registry().get('Manual');
    await expect(manual.checkServiceability('560003')).rejects.toThrow(CourierCapabilityError);
    await expect(manual.trackMany(['BD-778812'])).resolves.toEqual({ found: [], notFound: [] });
  });
});

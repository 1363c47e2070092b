import type { ConfigService } from '@nestjs/config';
import { describe, expect, it, vi } from 'vitest';
import type { CourierProvider, Serviceability } from '../courier/courier-provider.interface.js';
import type { CourierRegistry } from '../courier/courier-registry.js';
import { DeliveryEstimatesService } from './delivery-estimates.service.js';
import type { LaneHistoryService } from './lane-history.service.js';
import type { LaneHistory } from './transit-statistics.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-02T04:30:00Z');
const after = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
const SETTINGS = {
  rateLimit: 30,
  rateWindowSeconds: 60,
  minSamples: 3,
  historySize: 500,
  cacheSeconds: 300,
};

function place(pincode: string, deliveryAvailable: boolean, codAllowed = true): Serviceability {
  return {
    pincode,
    city: deliveryAvailable ? 'DELHI' : null,
    state: null,
    hub: null,
    pickupAvailable: false,
    deliveryAvailable,
    codAllowed,
    rtoAllowed: true,
  };
}

function setup(lanes: LaneHistory[], serviceability: Serviceability, edd: Date | null) {
  const courier = {
    courierService: 'Sequel247',
    capabilities: { deliveryEstimate: true, serviceability: true },
    checkServiceability: vi.fn(() => Promise.resolve(serviceability)),
    estimateDelivery: vi.fn(() => Promise.resolve(edd)),
  };
  const registry = { defaultProvider: courier as unknown as CourierProvider } as CourierRegistry;
  const history = {
    historyFor: vi.fn(() => Promise.resolve(lanes)),
  } as unknown as LaneHistoryService;
  const config = {
    getOrThrow: (key: string) => (key === 'deliveryEstimates' ? SETTINGS : '560001'),
  } as unknown as ConfigService<never, true>;
  return { service: new DeliveryEstimatesService(registry, history, config), courier, history };
}

const lane = (transitHours: number[]): LaneHistory[] => [
  { level: 'district', lane: '560>110', transitHours },
  { level: 'subzone', lane: '56>11', transitHours },
];

describe('DeliveryEstimatesService', () => {
  it("answers checkout with Docket's p50 and window once the lane has enough history", async () => {
    const { service, courier } = setup(lane([20, 30, 40]), place('110017', true), after(60));
    const estimate = await service.forCheckout('110017', NOW);
    expect(estimate).toMatchObject({
      serviceable: true,
      codAllowed: true,
      estimatedDelivery: after(30),
      estimateSource: 'docket',
      courierEstimatedDelivery: after(60),
      laneDeliveries: 3,
    });
    expect(courier.estimateDelivery).toHaveBeenCalledWith({
      originPincode: '560001',
      destinationPincode: '110017',
      pickupDate: NOW,
    });
  });

  it("answers checkout with the courier's EDD while the lane has too little history", async () => {
    const { service } = setup(lane([20, 30]), place('110017', true, false), after(60));
    expect(await service.forCheckout('110017', NOW)).toMatchObject({
      codAllowed: false,
      estimatedDelivery: after(60),
      estimateSource: 'courier',
      window: null,
      laneDeliveries: 0,
    });
  });

  it('asks nothing more of an unserved pincode and promises nothing', async () => {
    const { service, courier, history } = setup(lane([20, 30, 40]), place('900001', false), null);
    expect(await service.forCheckout('900001', NOW)).toMatchObject({
      serviceable: false,
      codAllowed: false,
      estimatedDelivery: null,
      estimateSource: null,
    });
    expect(courier.estimateDelivery).not.toHaveBeenCalled();
    expect(history.historyFor).not.toHaveBeenCalled();
  });

  it('reuses a serviceability answer within the cache time', async () => {
    const { service, courier } = setup([], place('110017', true), null);
    await service.forCheckout('110017', NOW);
    await service.forCheckout('110017', NOW);
    expect(courier.checkServiceability).toHaveBeenCalledTimes(1);
  });

  it('estimates each active shipment, and leaves finished or pincode-less ones to the courier', async () => {
    const { service } = setup(lane([20, 30, 40]), place('110017', true), null);
    const base = { courierService: 'Sequel247', dispatchedAt: NOW, finished: false };
    const result = await service.forShipments(
      [
        {
          ...base,
          docketNumber: 'A',
          destinationPincode: '110017',
          courierEstimatedDelivery: null,
        },
        {
          ...base,
          docketNumber: 'B',
          destinationPincode: '110017',
          courierEstimatedDelivery: after(50),
        },
        { ...base, docketNumber: 'C', destinationPincode: null, courierEstimatedDelivery: null },
        {
          ...base,
          docketNumber: 'D',
          destinationPincode: '110017',
          courierEstimatedDelivery: after(5),
          finished: true,
        },
      ],
      NOW,
    );
    expect(result.get('A')).toMatchObject({
      estimatedDelivery: after(30),
      estimateSource: 'docket',
    });
    expect(result.get('B')).toMatchObject({
      estimatedDelivery: after(50),
      estimateSource: 'courier',
    });
    expect(result.get('B')?.window).not.toBeNull();
    expect(result.get('C')).toEqual({
      estimatedDelivery: null,
      estimateSource: null,
      window: null,
    });
    expect(result.get('D')).toEqual({
      estimatedDelivery: after(5),
      estimateSource: 'courier',
      window: null,
    });
  });
});

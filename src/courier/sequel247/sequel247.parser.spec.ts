import { describe, expect, it, vi } from 'vitest';
import { Sequel247BadResponseError } from './sequel247.errors.js';
import {
  classifyFailure,
  describeFailure,
  normaliseDocket,
  parseCreatedShipment,
  parseEstimatedDelivery,
  parseIstDateTime,
  parseIstEta,
  parsePodLink,
  parseServiceability,
  parseShipmentTracking,
  parseStatusFlag,
  parseTrackMultiple,
  trimBodyForLog,
} from './sequel247.parser.js';
import { TrackingStatus } from '../tracking-status.js';

/** The one payload confirmed by several independent integrations (API.md). */
const CONFIRMED_TRACK = {
  status: 'true',
  data: {
    docket_no: '0581094993',
    shipment_status: 'SDELVD',
    tracking: [
      {
        description: 'Shipment is Created',
        location: 'BANGALORE',
        date_time: '2017-02-27 12:26:00',
        code: 'SCREATED',
      },
    ],
    estimated_delivery: '14-06-2017 20:00',
  },
};

/** A richer payload as seen in the wild: extra fields, nulls, scans newest first. */
const RICH_TRACK = {
  docket_no: '1234567890',
  requestID: 'REQ991',
  client_code: 'DOCKET01',
  br_number: 'BRN1234567',
  senders_name: 'Docket Jewellery',
  requested_pickup_date: '2024-03-01',
  actual_pickedup_date_time: '2024-03-01 15:10:00',
  no_of_packages: '1',
  net_weight: '25',
  cod: '0',
  invoices: [{ invoiceNumber: 'INV-1' }],
  box_details: [{ box_number: '1', length: '10' }],
  shipment_status: 'SDELASN',
  tracking: [
    {
      description: 'Shipment Out for Delivery',
      location: null,
      date_time: '2024-03-03 09:05:00',
      code: 'SDELASN',
    },
    {
      description: 'Shipment Arrived at Destination Hub',
      location: 'MUMBAI',
      date_time: '2024-03-02 22:40:00',
      code: 'SLINDEST',
      hub_code: 'BOM1',
    },
    { description: 'Picked up', location: '', date_time: '2024-03-01 15:10:00', code: 'SPU' },
  ],
  estimated_delivery: '03-03-2024 20:00',
};

describe('parseStatusFlag', () => {
  it.each([
    ['true', true],
    ['false', false],
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['1', true],
    [' TRUE ', true],
  ])('reads the envelope status %j as %j', (input, expected) => {
    expect(parseStatusFlag(input)).toBe(expected);
  });

  it.each([['yes'], [null], [undefined], [2], [{}]])('returns null for unreadable %j', (input) => {
    expect(parseStatusFlag(input)).toBeNull();
  });
});

describe('parseIstDateTime', () => {
  it('reads scan times (YYYY-MM-DD HH:MM:SS) as IST and returns UTC', () => {
    expect(parseIstDateTime('2017-02-27 12:26:00')?.toISOString()).toBe('2017-02-27T06:56:00.000Z');
  });

  it('reads ETAs (DD-MM-YYYY HH:MM) as IST and returns UTC', () => {
    expect(parseIstDateTime('14-06-2017 20:00')?.toISOString()).toBe('2017-06-14T14:30:00.000Z');
  });

  it('crosses midnight backwards when IST is early morning', () => {
    expect(parseIstDateTime('2024-01-01 02:00:00')?.toISOString()).toBe('2023-12-31T20:30:00.000Z');
  });

  it('accepts minutes without seconds, slashes and AM/PM', () => {
    expect(parseIstDateTime('2024-03-02 22:40')?.toISOString()).toBe('2024-03-02T17:10:00.000Z');
    expect(parseIstDateTime('02/03/2024 10:40 PM')?.toISOString()).toBe('2024-03-02T17:10:00.000Z');
    expect(parseIstDateTime('02-03-2024 12:05 am')?.toISOString()).toBe('2024-03-01T18:35:00.000Z');
  });

  it('respects an explicit zone when one is given', () => {
    expect(parseIstDateTime('2024-03-02T10:00:00Z')?.toISOString()).toBe(
      '2024-03-02T10:00:00.000Z',
    );
    expect(parseIstDateTime('2024-03-02T15:30:00+05:30')?.toISOString()).toBe(
      '2024-03-02T10:00:00.000Z',
    );
  });

  it.each([
    [''],
    ['null'],
    ['31-02-2024 10:00'],
    ['2024-02-30 10:00:00'],
    ['2024-0a-01 10:00:00'],
    ['2024-13-01 10:00:00'],
    ['25:00'],
    [42],
    [null],
  ])('returns null for %j', (input) => {
    expect(parseIstDateTime(input)).toBeNull();
  });

  it('gives a date-only ETA the end of the delivery day (20:00 IST)', () => {
    expect(parseIstEta('14-06-2017')?.toISOString()).toBe('2017-06-14T14:30:00.000Z');
    expect(parseIstEta('2017-06-14')?.toISOString()).toBe('2017-06-14T14:30:00.000Z');
  });
});

describe('normaliseDocket', () => {
  it('keeps 10-digit strings and pads numbers that lost their leading zeros', () => {
    expect(normaliseDocket('0581094993')).toBe('0581094993');
    expect(normaliseDocket(581094993)).toBe('0581094993');
    expect(normaliseDocket(' 581094993 ')).toBe('0581094993');
    expect(normaliseDocket('')).toBeNull();
    expect(normaliseDocket(null)).toBeNull();
  });
});

describe('parseShipmentTracking', () => {
  it('parses the confirmed sample into domain values', () => {
    const tracking = parseShipmentTracking(CONFIRMED_TRACK.data);
    expect(tracking).toEqual({
      docketNumber: '0581094993',
      rawStatusCode: 'SDELVD',
      status: TrackingStatus.Delivered,
      estimatedDelivery: new Date('2017-06-14T14:30:00.000Z'),
      scans: [
        {
          code: 'SCREATED',
          status: TrackingStatus.OrderPlaced,
          description: 'Shipment is Created',
          location: 'BANGALORE',
          occurredAt: new Date('2017-02-27T06:56:00.000Z'),
        },
      ],
    });
  });

  it('ignores extra fields, keeps scans in the courier order and turns empty locations into null', () => {
    const tracking = parseShipmentTracking(RICH_TRACK);
    expect(tracking.status).toBe(TrackingStatus.OutForDelivery);
    expect(tracking.scans.map((s) => [s.code, s.location])).toEqual([
      ['SDELASN', null],
      ['SLINDEST', 'MUMBAI'],
      ['SPU', null],
    ]);
    expect(Object.keys(tracking).sort()).toEqual([
      'docketNumber',
      'estimatedDelivery',
      'rawStatusCode',
      'scans',
      'status',
    ]);
  });

  it('keeps an unknown current code raw with a null status instead of failing', () => {
    const tracking = parseShipmentTracking({
      ...RICH_TRACK,
      shipment_status: 'SNEWCODE',
      tracking: [{ ...RICH_TRACK.tracking[0], code: 'SWEIRD' }],
    });
    expect(tracking.rawStatusCode).toBe('SNEWCODE');
    expect(tracking.status).toBeNull();
    expect(tracking.scans[0]).toMatchObject({ code: 'SWEIRD', status: null });
  });

  it('treats null, empty and missing ETAs and tracking lists as absent', () => {
    for (const eta of [null, '', 'null', undefined]) {
      const tracking = parseShipmentTracking({
        docket_no: '0000000001',
        shipment_status: 'SCREATED',
        tracking: null,
        estimated_delivery: eta,
      });
      expect(tracking.estimatedDelivery).toBeNull();
      expect(tracking.scans).toEqual([]);
    }
  });

  it('accepts the misspelt estiimated_delivery on tracking data too', () => {
    const tracking = parseShipmentTracking({
      docket_no: '0000000001',
      shipment_status: 'SCREATED',
      estiimated_delivery: '05-03-2024 20:00',
    });
    expect(tracking.estimatedDelivery?.toISOString()).toBe('2024-03-05T14:30:00.000Z');
  });

  it('drops a scan with an unreadable time and reports it, keeping the others', () => {
    const warn = vi.fn();
    const tracking = parseShipmentTracking(
      {
        ...RICH_TRACK,
        tracking: [...RICH_TRACK.tracking, { code: 'SCREATED', date_time: 'yesterday' }],
      },
      { warn },
    );
    expect(tracking.scans).toHaveLength(3);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SCREATED'));
  });

  it('falls back to the latest scan when shipment_status is missing', () => {
    const { shipment_status: _omit, ...withoutStatus } = RICH_TRACK;
    const tracking = parseShipmentTracking(withoutStatus);
    expect(tracking.rawStatusCode).toBe('SDELASN');
  });

  it('uses the requested docket when the payload names none, and pads numeric dockets', () => {
    expect(
      parseShipmentTracking({ shipment_status: 'SPU' }, { fallbackDocket: '0000000042' })
        .docketNumber,
    ).toBe('0000000042');
    expect(parseShipmentTracking({ docket_no: 42, shipment_status: 'SPU' }).docketNumber).toBe(
      '0000000042',
    );
  });

  it.each([
    ['a string', 'No data'],
    ['no docket', { shipment_status: 'SPU' }],
    ['no status and no scans', { docket_no: '0000000001' }],
    [
      'tracking that is not a list',
      { docket_no: '0000000001', shipment_status: 'SPU', tracking: {} },
    ],
  ])('rejects %s as a bad response', (_label, data) => {
    expect(() => parseShipmentTracking(data)).toThrow(Sequel247BadResponseError);
  });
});

describe('parseTrackMultiple', () => {
  const requested = ['0581094993', '1234567890', '0000000001'];

  it('reads the successShipments/errorShipments shape', () => {
    const result = parseTrackMultiple(
      {
        status: 'true',
        successShipments: { '0581094993': CONFIRMED_TRACK.data, '1234567890': RICH_TRACK },
        errorShipments: { '0000000001': { docketNo: 'No Tracking Information found' } },
      },
      requested,
    );
    expect(result.found.map((t) => [t.docketNumber, t.status])).toEqual(
      expect.arrayContaining([
        ['0581094993', TrackingStatus.Delivered],
        ['1234567890', TrackingStatus.OutForDelivery],
      ]),
    );
    expect(result.found).toHaveLength(2);
    expect(result.notFound).toEqual([
      { docketNumber: '0000000001', reason: 'No Tracking Information found' },
    ]);
  });

  it('reads the same shape nested under data, with map keys that lost their zeros', () => {
    const { docket_no: _omit, ...unnamed } = CONFIRMED_TRACK.data;
    const result = parseTrackMultiple(
      {
        status: 'true',
        data: { successShipments: { '581094993': unnamed }, errorShipments: ['0000000001'] },
      },
      requested,
    );
    expect(result.found.map((t) => t.docketNumber)).toEqual(['0581094993']);
    expect(result.notFound.map((n) => n.docketNumber)).toEqual(['0000000001']);
  });

  it('reads the data[] shape and reports requested dockets it left out as not found', () => {
    const result = parseTrackMultiple(
      { status: 'true', data: [CONFIRMED_TRACK.data, RICH_TRACK] },
      requested,
    );
    expect(result.found.map((t) => t.docketNumber)).toEqual(['0581094993', '1234567890']);
    expect(result.notFound).toEqual([
      { docketNumber: '0000000001', reason: 'Not in the courier response' },
    ]);
  });

  it('ignores dockets that were not requested and drops unreadable entries with a warning', () => {
    const warn = vi.fn();
    const result = parseTrackMultiple(
      {
        status: 'true',
        successShipments: {
          '9999999999': { ...RICH_TRACK, docket_no: '9999999999' },
          '0581094993': 'garbage',
          '1234567890': RICH_TRACK,
        },
        errorShipments: {},
      },
      requested,
      warn,
    );
    expect(result.found.map((t) => t.docketNumber)).toEqual(['1234567890']);
    expect(result.notFound).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('rejects a body with neither shape as a bad response', () => {
    expect(() => parseTrackMultiple({ status: 'true', data: 'No data' }, requested)).toThrow(
      Sequel247BadResponseError,
    );
  });
});

describe('parseServiceability', () => {
  it('reads the availability flags in their several spellings', () => {
    expect(
      parseServiceability('560001', {
        city: 'BANGALORE',
        hub: 'BLR HUB',
        state: 'Karnataka',
        region: 'South',
        Tier_Classification: 'Tier 1',
        Pickup_Availability: 'Yes',
        Delivery_Availability: 'Y',
        is_ecom_cod_allowed: 'false',
        is_ecom_rto_allowed: true,
      }),
    ).toEqual({
      pincode: '560001',
      city: 'BANGALORE',
      state: 'Karnataka',
      hub: 'BLR HUB',
      pickupAvailable: true,
      deliveryAvailable: true,
      codAllowed: false,
      rtoAllowed: true,
    });
  });

  it('treats missing flags as unavailable and null cities as null', () => {
    expect(parseServiceability('799001', [{ city: null }])).toMatchObject({
      city: null,
      pickupAvailable: false,
      deliveryAvailable: false,
    });
  });
});

describe('parseCreatedShipment', () => {
  it('reads the docket, BRN, label and the misspelt estiimated_delivery', () => {
    expect(
      parseCreatedShipment({
        docket_number: '0581094993',
        brn: 'BRN1',
        docket_print: 'https://sequel247.com/print/0581094993',
        estiimated_delivery: '14-06-2017 20:00',
        geography: 'domestic',
      }),
    ).toEqual({
      docketNumber: '0581094993',
      brn: 'BRN1',
      labelUrl: 'https://sequel247.com/print/0581094993',
      estimatedDelivery: new Date('2017-06-14T14:30:00.000Z'),
    });
  });

  it('accepts a date-only ETA and a numeric docket', () => {
    const created = parseCreatedShipment({
      docket_number: 581094993,
      estiimated_delivery: '14-06-2017',
    });
    expect(created.docketNumber).toBe('0581094993');
    expect(created.estimatedDelivery?.toISOString()).toBe('2017-06-14T14:30:00.000Z');
    expect(created.brn).toBeNull();
  });

  it('rejects a created shipment without a docket', () => {
    expect(() => parseCreatedShipment({ brn: 'x' })).toThrow(Sequel247BadResponseError);
  });
});

describe('parseEstimatedDelivery and parsePodLink', () => {
  it('finds the EDD under the names integrations have seen', () => {
    expect(parseEstimatedDelivery({ EDD: '05-03-2024' })?.toISOString()).toBe(
      '2024-03-05T14:30:00.000Z',
    );
    expect(parseEstimatedDelivery('05-03-2024 18:00')?.toISOString()).toBe(
      '2024-03-05T12:30:00.000Z',
    );
    expect(parseEstimatedDelivery({ other: 1 })).toBeNull();
  });

  it('finds the proof-of-delivery link in data or at the top level', () => {
    expect(parsePodLink({ status: 'true', data: { link: 'https://x/p.pdf' } })).toBe(
      'https://x/p.pdf',
    );
    expect(parsePodLink({ status: 'true', data: [{ link: 'https://x/q.pdf' }] })).toBe(
      'https://x/q.pdf',
    );
    expect(parsePodLink({ status: 'true', link: 'https://x/r.pdf' })).toBe('https://x/r.pdf');
    expect(parsePodLink({ status: 'true', data: { link: null } })).toBeNull();
  });
});

describe('describeFailure and classifyFailure', () => {
  it('classifies code 103 as an account problem', () => {
    const failure = describeFailure({
      status: 'false',
      message: 'company status not active',
      code: 103,
    });
    expect(failure).toEqual({ code: 103, message: 'company status not active', errorInfo: {} });
    expect(classifyFailure(failure)).toBe('auth');
  });

  it('classifies a token field error as an auth problem', () => {
    expect(
      classifyFailure(describeFailure({ status: 'false', errorInfo: { token: 'Invalid token' } })),
    ).toBe('auth');
  });

  it('classifies "No Tracking Information found" as not found', () => {
    expect(
      classifyFailure(
        describeFailure({ status: 'false', message: 'No Tracking Information found', code: 105 }),
      ),
    ).toBe('not_found');
  });

  it('classifies validation failures as rejections and flattens field errors', () => {
    const failure = describeFailure({
      status: 'false',
      errorInfo: { pinCode: ['required', 'must be 6 digits'] },
    });
    expect(failure).toEqual({
      code: null,
      message: 'required; must be 6 digits',
      errorInfo: { pinCode: 'required; must be 6 digits' },
    });
    expect(classifyFailure(failure)).toBe('rejected');
  });
});

describe('trimBodyForLog', () => {
  const token = 'abcdef0123456789abcdef0123456789';

  it('never lets the token through and cuts long bodies', () => {
    const body = `{"token": "${token}", "echo": "${token}", "data": "${'x'.repeat(500)}"}`;
    const trimmed = trimBodyForLog(body, token, 100);
    expect(trimmed).not.toContain(token);
    expect(trimmed).toContain('[redacted]');
    expect(trimmed.length).toBeLessThan(140);
  });

  it('redacts a token field even when it is not our token', () => {
    expect(trimBodyForLog('{"token":"someone-elses"}', token)).toBe('{"token":"[redacted]"}');
  });
});

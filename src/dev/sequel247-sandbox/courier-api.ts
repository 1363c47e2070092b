import {
  formatDayFirstDate,
  formatEta,
  formatIsoDate,
  formatScanTime,
  IST_OFFSET_MS,
} from './ist-time.js';
import { lookupPincode, transitDays } from './pincodes.js';
import { SandboxDocket, SandboxState } from './sandbox-state.js';

/**
 * The courier's own endpoints as the sandbox plays them: same paths, `status: "true"/"false"`
 * envelope, token in the body. Failure codes other than 103 are the sandbox's own choice (the
 * real ones are undocumented): 101 bad token, 104 validation, 105 not found, 106 not
 * serviceable, 107 cannot cancel, 108 no proof of delivery yet.
 */
export interface CourierReply {
  status: number;
  /** The response body, already serialised. */
  json: string;
}

type Body = Record<string, unknown>;

export const COURIER_ENDPOINTS = [
  '/api/track',
  '/api/trackMultiple',
  '/api/checkServiceability',
  '/api/shipment/calculateEDD',
  '/api/shipment/create',
  '/api/cancel',
  '/api/podDownload',
] as const;

const NO_TRACKING = 'No Tracking Information found';
const ETA_HOUR_IST = 20;
const MAX_DOCKETS_PER_CALL = 500;

function ok(message: string, extra: Body): CourierReply {
  return { status: 200, json: JSON.stringify({ status: 'true', message, ...extra }) };
}

export function courierFailure(
  code: number,
  message: string,
  errorInfo: Record<string, string> = {},
  httpStatus = 200,
): CourierReply {
  return {
    status: httpStatus,
    json: JSON.stringify({ status: 'false', message, errorInfo, code }),
  };
}

function text(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function required(field: string): Record<string, string> {
  return { [field]: `The ${field} field is required.` };
}

/** The courier's shape for one shipment (`track`'s data; `trackMultiple`'s per docket). */
export function trackingData(state: SandboxState, record: SandboxDocket): Body {
  const pickedUp = record.scans.find((s) => s.code === 'SPU');
  return {
    docket_no: record.docket,
    requestID: `REQ${record.brn.slice(3)}`,
    client_code: 'DOCKET01',
    br_number: record.brn,
    senders_name: 'Docket Jewellery',
    requested_pickup_date: formatIsoDate(record.createdAt),
    actual_pickedup_date_time: pickedUp ? formatScanTime(pickedUp.at) : null,
    no_of_packages: record.details.packages ?? '1',
    total_net_weight: record.details.netWeight ?? '25',
    cod: record.details.codValue ?? '0',
    shipment_status: state.currentCode(record),
    // Newest first, in recorded order: consumers must not assume the list is sorted by time.
    tracking: [...record.scans].reverse().map((scan) => ({
      description: scan.description,
      location: scan.location,
      date_time: formatScanTime(scan.at),
      code: scan.code,
    })),
    estimated_delivery: record.eta === null ? '' : formatEta(record.eta),
  };
}

/**
 * `trackingData` serialised, cached per docket until it changes (a new scan, status or ETA):
 * with 10,000 dockets polled in batches the sandbox must not become the bottleneck.
 */
const renderedTracking = new WeakMap<SandboxDocket, { version: string; json: string }>();

function trackingJson(state: SandboxState, record: SandboxDocket): string {
  const version = `${record.scans.length}|${record.statusOverride}|${record.eta}`;
  const cached = renderedTracking.get(record);
  if (cached?.version === version) return cached.json;
  const json = JSON.stringify(trackingData(state, record));
  renderedTracking.set(record, { version, json });
  return json;
}

const TRACKING_FETCHED = '"status":"true","message":"Tracking details fetched successfully"';

function track(state: SandboxState, body: Body): CourierReply {
  const docket = text(body.docket);
  if (docket === null)
    return courierFailure(104, 'The docket field is required.', required('docket'));
  const record = state.getDocket(docket);
  if (!record) return courierFailure(105, NO_TRACKING, { docket: NO_TRACKING });
  return { status: 200, json: `{${TRACKING_FETCHED},"data":${trackingJson(state, record)}}` };
}

function trackMultiple(state: SandboxState, body: Body): CourierReply {
  const dockets = body.dockets;
  if (
    !Array.isArray(dockets) ||
    dockets.length === 0 ||
    dockets.length > MAX_DOCKETS_PER_CALL ||
    !dockets.every((d) => typeof d === 'string')
  ) {
    return courierFailure(104, 'The dockets field must be a list of 1 to 500 docket numbers.', {
      dockets: 'The dockets field must be a list of 1 to 500 docket numbers.',
    });
  }
  if (state.settings.trackMultipleShape === 'array') {
    const data = dockets
      .map((d) => state.getDocket(d))
      .filter((r): r is SandboxDocket => r !== undefined)
      .map((r) => trackingJson(state, r));
    return { status: 200, json: `{${TRACKING_FETCHED},"data":[${data.join(',')}]}` };
  }
  const success: string[] = [];
  const errors: string[] = [];
  for (const docket of new Set(dockets)) {
    const record = state.getDocket(docket);
    const key = JSON.stringify(docket);
    if (record) success.push(`${key}:${trackingJson(state, record)}`);
    else errors.push(`${key}:{"docketNo":"${NO_TRACKING}"}`);
  }
  return {
    status: 200,
    json: `{${TRACKING_FETCHED},"successShipments":{${success.join(',')}},"errorShipments":{${errors.join(',')}}}`,
  };
}

function checkServiceability(body: Body): CourierReply {
  const pin = text(body.pin_code);
  if (pin === null || !/^\d{6}$/.test(pin)) {
    return courierFailure(104, 'The pin code must be 6 digits.', {
      pin_code: 'The pin code must be 6 digits.',
    });
  }
  const info = lookupPincode(pin);
  if (!info)
    return courierFailure(106, 'Pincode not serviceable', { pin_code: 'Pincode not serviceable' });
  return ok('Pincode is serviceable', {
    data: {
      pincode: pin,
      city: info.city,
      hub: info.hub,
      state: info.state,
      region: info.region,
      Tier_Classification: info.tier,
      // The flags come in several spellings in the wild; the sandbox mixes them on purpose.
      Pickup_Availability: info.pickup ? 'Yes' : 'No',
      Delivery_Availability: 'Yes',
      is_ecom_cod_allowed: info.cod ? 'true' : 'false',
      is_ecom_rto_allowed: true,
    },
  });
}

/** `YYYY-MM-DD` or `DD-MM-YYYY` → IST midnight (epoch ms). */
function parsePickupDate(value: string): number | null {
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const dmy = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
  if (!ymd && !dmy) return null;
  const [y, m, d] = ymd
    ? [ymd[1], ymd[2], ymd[3]].map(Number)
    : [dmy![3], dmy![2], dmy![1]].map(Number);
  const wall = Date.UTC(y, m - 1, d);
  if (new Date(wall).getUTCDate() !== d) return null;
  return wall - IST_OFFSET_MS;
}

function calculateEdd(body: Body): CourierReply {
  const origin = text(body.origin_pincode);
  const destination = text(body.destination_pincode);
  const pickup = text(body.pickup_date);
  const errors: Record<string, string> = {};
  if (origin === null) Object.assign(errors, required('origin_pincode'));
  if (destination === null) Object.assign(errors, required('destination_pincode'));
  const pickupAt = pickup === null ? null : parsePickupDate(pickup);
  if (pickupAt === null) errors.pickup_date = 'The pickup date must be YYYY-MM-DD or DD-MM-YYYY.';
  if (Object.keys(errors).length > 0 || pickupAt === null) {
    return courierFailure(104, 'Validation failed', errors);
  }
  const from = lookupPincode(origin!);
  const to = lookupPincode(destination!);
  if (!from || !to)
    return courierFailure(106, 'Pincode not serviceable', { pin_code: 'Pincode not serviceable' });
  const days = transitDays(from, to);
  return ok('EDD calculated', {
    data: {
      origin_pincode: origin,
      destination_pincode: destination,
      pickup_date: pickup,
      transit_days: days,
      EDD: formatDayFirstDate(pickupAt + days * 86_400_000 + ETA_HOUR_IST * 3_600_000),
    },
  });
}

function createShipment(state: SandboxState, body: Body, publicUrl: string): CourierReply {
  const errors: Record<string, string> = {};
  if (body.location !== 'domestic') errors.location = 'The location must be domestic.';
  if (body.shipmentType !== 'D&J') errors.shipmentType = 'The shipment type must be D&J.';
  if (body.serviceType !== 'valuable' && body.serviceType !== 'vulnerable') {
    errors.serviceType = 'The service type must be valuable or vulnerable.';
  }
  if (text(body.fromStoreCode) === null) Object.assign(errors, required('fromStoreCode'));
  const to = (
    typeof body.toAddress === 'object' && body.toAddress !== null ? body.toAddress : {}
  ) as Body;
  for (const field of ['consignee_name', 'address_line1', 'pinCode', 'auth_receiver_phone']) {
    if (text(to[field]) === null) errors[`toAddress.${field}`] = `The ${field} field is required.`;
  }
  const pin = text(to.pinCode);
  if (pin !== null && !/^\d{6}$/.test(pin))
    errors['toAddress.pinCode'] = 'The pin code must be 6 digits.';
  for (const field of ['net_weight', 'net_value', 'no_of_packages']) {
    const value = text(body[field]);
    if (value === null || !Number.isFinite(Number(value))) {
      errors[field] = `The ${field} field must be a number.`;
    }
  }
  if (Object.keys(errors).length > 0) return courierFailure(104, 'Validation failed', errors);
  if (!lookupPincode(pin!)) {
    return courierFailure(106, 'Pincode not serviceable', {
      'toAddress.pinCode': 'Pincode not serviceable',
    });
  }
  const record = state.createDocket({
    destination: pin!,
    details: {
      consigneeName: text(to.consignee_name),
      consigneePhone: text(to.auth_receiver_phone),
      netWeight: text(body.net_weight),
      netValue: text(body.net_value),
      codValue: text(body.codValue) ?? '0',
      packages: text(body.no_of_packages),
      remark: text(body.remark),
    },
  });
  return ok('Shipment created successfully', {
    data: {
      docket_number: record.docket,
      brn: record.brn,
      senders_name: 'Docket Jewellery',
      client_code: 'DOCKET01',
      sender_store_code: text(body.fromStoreCode),
      receiver_store_code: null,
      actual_value: text(body.net_value),
      no_of_packages: text(body.no_of_packages),
      total_net_weight: text(body.net_weight),
      total_gross_weight: text(body.gross_weight),
      cod: text(body.codValue) ?? '0',
      // Sic: the real service misspells this key in create responses.
      estiimated_delivery: record.eta === null ? null : formatEta(record.eta),
      docket_print: `${publicUrl}/labels/${record.docket}.pdf`,
      orderNumber: null,
    },
  });
}

function cancel(state: SandboxState, body: Body): CourierReply {
  const docket = text(body.docket);
  if (docket === null)
    return courierFailure(104, 'The docket field is required.', required('docket'));
  switch (state.cancel(docket)) {
    case 'not-found':
      return courierFailure(105, 'Docket not found', { docket: 'Docket not found' });
    case 'already-cancelled':
      return courierFailure(107, 'Docket already cancelled', {
        docket: 'Docket already cancelled',
      });
    case 'not-cancellable': {
      const record = state.requireDocket(docket);
      const message = `Docket cannot be cancelled in status ${state.currentCode(record)}`;
      return courierFailure(107, message, { docket: message });
    }
    case 'cancelled':
      return ok('Docket cancelled successfully', {
        data: { docket_no: docket, shipment_status: 'SCANCELLED' },
      });
  }
}

function podDownload(state: SandboxState, body: Body, publicUrl: string): CourierReply {
  const dockets = body.dockets;
  const docket = Array.isArray(dockets) ? text(dockets[0]) : null;
  if (body.requestType !== 'docket' || docket === null) {
    return courierFailure(104, 'requestType "docket" and a dockets list are required.', {
      dockets: 'The dockets field is required.',
    });
  }
  const record = state.getDocket(docket);
  if (!record) return courierFailure(105, NO_TRACKING, { docket: NO_TRACKING });
  if (!state.isDelivered(record)) {
    const message = 'POD not available: shipment not delivered yet';
    return courierFailure(108, message, { dockets: message });
  }
  return ok('POD link generated', { data: { link: `${publicUrl}/pod/${docket}.pdf` } });
}

export function handleCourierRequest(
  state: SandboxState,
  endpoint: string,
  body: Body,
  publicUrl: string,
): CourierReply {
  switch (endpoint) {
    case '/api/track':
      return track(state, body);
    case '/api/trackMultiple':
      return trackMultiple(state, body);
    case '/api/checkServiceability':
      return checkServiceability(body);
    case '/api/shipment/calculateEDD':
      return calculateEdd(body);
    case '/api/shipment/create':
      return createShipment(state, body, publicUrl);
    case '/api/cancel':
      return cancel(state, body);
    case '/api/podDownload':
      return podDownload(state, body, publicUrl);
    default:
      return courierFailure(404, `Unknown endpoint ${endpoint}`, {}, 404);
  }
}

/** Dockets a request names, for per-docket faults and counters. */
export function docketsNamed(body: Body): string[] {
  const named: string[] = [];
  const one = text(body.docket);
  if (one !== null) named.push(one);
  if (Array.isArray(body.dockets)) {
    for (const d of body.dockets) if (typeof d === 'string') named.push(d);
  }
  return named;
}

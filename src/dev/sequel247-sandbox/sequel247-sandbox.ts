import http, { IncomingMessage, ServerResponse } from 'node:http';
import { errorMessage } from '../../common/errors/error-message.js';
import { SANDBOX_TOKEN } from '../../config/sequel247.config.js';
import type { AddressInfo } from 'node:net';
import {
  COURIER_ENDPOINTS,
  courierFailure,
  docketsNamed,
  handleCourierRequest,
} from './courier-api.js';
import { formatEta, formatScanTime, parseControlTime } from './ist-time.js';
import {
  Fault,
  FaultSpec,
  MalformedVariant,
  SandboxDocket,
  SandboxInputError,
  SandboxState,
  SandboxStateOptions,
} from './sandbox-state.js';
import { loadSandboxState, SandboxLogger, SandboxStateSaver } from './sandbox-state-file.js';
import { isScenarioName, SCENARIO_NAMES } from './scenarios.js';

export interface Sequel247SandboxOptions extends SandboxStateOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  /**
   * Keep dockets, clock and settings in this JSON file across restarts: loaded at start when
   * present, saved soon after each change, every 30 s when changed, and on stop. Unset (the
   * default): everything lives in memory only.
   */
  stateFile?: string;
  /** Reports on the state file (default: console). */
  logger?: SandboxLogger;
}

export interface Sequel247Sandbox {
  /** Base URL to configure the client with (SEQUEL247_BASE_URL). */
  url: string;
  /** `${url}/__sandbox`. */
  controlUrl: string;
  token: string;
  port: number;
  /** Direct, in-process access to dockets, clock, faults and counters. */
  state: SandboxState;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
const MAX_BODY_BYTES = 5 * 1024 * 1024;

class BodyTooLargeError extends Error {}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonObject(text: string): Json | null {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : null;
  } catch {
    return null;
  }
}

const MALFORMED_BODIES: Record<MalformedVariant, { body: string; type: string }> = {
  truncated: { body: '{"status":"true","data":{"docket_no":"05810', type: 'application/json' },
  html: {
    body: '<html><body><h1>Service temporarily unavailable</h1></body></html>',
    type: 'text/html',
  },
  'wrong-shape': { body: '{"status":"true","data":"No data"}', type: 'application/json' },
};

function snapshot(state: SandboxState, record: SandboxDocket, url: string): Json {
  return {
    docket: record.docket,
    scenario: record.scenario,
    status: state.currentCode(record),
    origin: { pincode: record.origin.pincode, city: record.origin.city },
    destination: { pincode: record.destination.pincode, city: record.destination.city },
    createdAt: new Date(record.createdAt).toISOString(),
    eta: record.eta === null ? null : new Date(record.eta).toISOString(),
    etaIst: record.eta === null ? null : formatEta(record.eta),
    scans: record.scans.map((s) => ({
      code: s.code,
      description: s.description,
      location: s.location,
      dateTime: formatScanTime(s.at),
      at: new Date(s.at).toISOString(),
    })),
    nextScanAt: record.nextDueAt === null ? null : new Date(record.nextDueAt).toISOString(),
    remainingSteps: record.script.length - record.played,
    trackingUrl: `${url}/track/${record.docket}`,
  };
}

function clockView(state: SandboxState): Json {
  const now = state.now();
  return {
    now: new Date(now).toISOString(),
    nowIst: formatScanTime(now),
    timeScale: state.currentTimeScale,
  };
}

function optionalString(body: Json, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SandboxInputError(`${key} must be a string`);
  return value;
}

function optionalNumber(body: Json, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SandboxInputError(`${key} must be a number`);
  }
  return value;
}

const HELP = {
  about: 'Sequel247 sandbox: the courier API at /api/*, this control API at /__sandbox/*',
  routes: [
    'POST /__sandbox/dockets {docket?, scenario?, origin?, destination?, withoutEta?}',
    'POST /__sandbox/dockets/bulk {count, scenario?}',
    'GET /__sandbox/dockets?limit=100',
    'GET /__sandbox/dockets/:docket',
    'POST /__sandbox/dockets/:docket/advance {steps?}',
    'POST /__sandbox/dockets/:docket/scans {code, description?, location?, dateTime?, setStatus?}',
    'PUT /__sandbox/dockets/:docket/status {code}',
    'GET /__sandbox/clock',
    'POST /__sandbox/clock/advance {minutes? | hours? | days?}',
    'GET|POST|DELETE /__sandbox/faults {type, docket?, endpoint?, count?, latencyMs?, status?, retryAfterSeconds?, variant?}',
    'DELETE /__sandbox/faults/:id',
    'GET|DELETE /__sandbox/stats',
    'GET|PUT /__sandbox/settings {trackMultipleShape?, defaultScenario?, timeScale?}',
    'POST /__sandbox/reset {seed?}',
  ],
  scenarios: SCENARIO_NAMES,
  faults: ['latency', 'http5xx', 'rate-limit', 'malformed', 'account-inactive', 'drop'],
  endpoints: COURIER_ENDPOINTS,
};

/** `dockets/0581094993/advance` → `/dockets/:id/advance`, so routes can be matched by name. */
function routeShape(parts: string[]): string {
  const [resource = '', id, ...rest] = parts;
  const variable = (resource === 'dockets' && id !== 'bulk') || resource === 'faults';
  const shaped = id === undefined ? [resource] : [resource, variable ? ':id' : id, ...rest];
  return `/${shaped.filter(Boolean).join('/')}`;
}

function trackingPage(state: SandboxState, docket: string): string {
  const record = state.getDocket(docket);
  const escape = (s: string) =>
    s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  if (!record) return `<h1>Docket ${escape(docket)}</h1><p>No Tracking Information found</p>`;
  const rows = [...record.scans]
    .reverse()
    .map(
      (s) =>
        `<tr><td>${formatScanTime(s.at)}</td><td>${escape(s.code)}</td><td>${escape(s.description)}</td><td>${escape(s.location ?? '')}</td></tr>`,
    )
    .join('');
  return `<!doctype html><title>Docket ${record.docket}</title><h1>Docket ${record.docket} — ${state.currentCode(record)}</h1><p>ETA ${record.eta === null ? '—' : formatEta(record.eta)} (IST) · Sequel247 sandbox</p><table border="1" cellpadding="4"><tr><th>IST</th><th>code</th><th>description</th><th>location</th></tr>${rows}</table>`;
}

/**
 * A fake Sequel247 on plain node:http: the real endpoints, envelope and token check, with
 * scripted dockets, a controllable clock and injectable faults. See README
 * "Sequel247 sandbox (for frontend teams and tests)".
 */
export async function startSequel247Sandbox(
  options: Sequel247SandboxOptions = {},
): Promise<Sequel247Sandbox> {
  const token = options.token ?? SANDBOX_TOKEN;
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? console;
  const state = options.stateFile
    ? await loadSandboxState(options.stateFile, options, logger)
    : new SandboxState(options);
  let saver: SandboxStateSaver | null = null;
  const timers = new Set<NodeJS.Timeout>();
  let url = '';

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handleCourier(req: IncomingMessage, res: ServerResponse, path: string) {
    if (req.method !== 'POST') {
      const reply = courierFailure(405, 'Only POST is supported', {}, 405);
      return send(res, reply.status, reply.json);
    }
    const body = parseJsonObject(await readBody(req));
    const dockets = body ? docketsNamed(body) : [];
    state.recordRequest(path, dockets);
    const { latencyMs, fault } = state.takeFaults(path, dockets);
    if (latencyMs > 0) await wait(latencyMs);
    if (fault && applyFault(fault, req, res)) return;
    if (body === null) {
      const reply = courierFailure(104, 'Invalid JSON body', {}, 400);
      return send(res, reply.status, reply.json);
    }
    if (body.token !== token) {
      const reply = courierFailure(101, 'Invalid token', { token: 'Invalid token' }, 401);
      return send(res, reply.status, reply.json);
    }
    const reply = handleCourierRequest(state, path, body, url);
    send(res, reply.status, reply.json);
  }

  /** Answers the request as the fault dictates; false when the fault adds nothing more. */
  function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): boolean {
    switch (fault.type) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'http5xx':
        send(
          res,
          fault.status,
          `<html><body>${fault.status} Server Error</body></html>`,
          'text/html',
        );
        return true;
      case 'rate-limit':
        send(
          res,
          429,
          JSON.stringify({ status: 'false', message: 'Too Many Requests', code: 429 }),
          'application/json',
          { 'Retry-After': String(fault.retryAfterSeconds) },
        );
        return true;
      case 'malformed': {
        const { body, type } = MALFORMED_BODIES[fault.variant];
        send(res, 200, body, type);
        return true;
      }
      case 'account-inactive':
        sendJson(res, 200, {
          status: 'false',
          message: 'company status not active',
          errorInfo: { company: 'company status not active' },
          code: 103,
        });
        return true;
      default:
        return false;
    }
  }

  async function handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ) {
    const method = req.method ?? 'GET';
    const raw = method === 'GET' || method === 'DELETE' ? '' : await readBody(req);
    const body = parseJsonObject(raw);
    if (body === null) throw new SandboxInputError('body must be a JSON object');
    const parts = path.split('/').filter(Boolean).slice(1); // drop "__sandbox"
    const route = `${method} ${routeShape(parts)}`;
    const docket = parts[1];

    switch (route) {
      case 'GET /':
        return sendJson(res, 200, { ...HELP, ...clockView(state), dockets: state.docketCount });
      case 'POST /dockets': {
        const scenario = body.scenario;
        if (scenario !== undefined && !isScenarioName(scenario)) {
          throw new SandboxInputError(`scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
        }
        const record = state.createDocket({
          docket: optionalString(body, 'docket'),
          scenario,
          origin: optionalString(body, 'origin'),
          destination: optionalString(body, 'destination'),
          withoutEta: body.withoutEta === true,
        });
        return sendJson(res, 201, snapshot(state, record, url));
      }
      case 'POST /dockets/bulk': {
        const scenario = body.scenario;
        if (scenario !== undefined && !isScenarioName(scenario)) {
          throw new SandboxInputError(`scenario must be one of ${SCENARIO_NAMES.join(', ')}`);
        }
        const count = optionalNumber(body, 'count') ?? 1;
        return sendJson(res, 201, { dockets: state.createMany(count, scenario) });
      }
      case 'GET /dockets': {
        const limit = Number(query.get('limit') ?? 100);
        return sendJson(res, 200, {
          total: state.docketCount,
          dockets: state.listDockets(Number.isFinite(limit) ? limit : 100).map((r) => ({
            docket: r.docket,
            scenario: r.scenario,
            status: state.currentCode(r),
          })),
        });
      }
      case 'GET /dockets/:id':
        return sendJson(res, 200, snapshot(state, state.requireDocket(docket), url));
      case 'POST /dockets/:id/advance': {
        const record = state.advanceDocket(docket, optionalNumber(body, 'steps') ?? 1);
        return sendJson(res, 200, snapshot(state, record, url));
      }
      case 'POST /dockets/:id/scans': {
        const code = optionalString(body, 'code');
        if (!code) throw new SandboxInputError('code is required');
        const dateTime = optionalString(body, 'dateTime');
        const at = dateTime === undefined ? undefined : parseControlTime(dateTime);
        if (at === null) {
          throw new SandboxInputError('dateTime must be "YYYY-MM-DD HH:MM:SS" (IST) or ISO 8601');
        }
        const location = body.location === null ? null : optionalString(body, 'location');
        const record = state.addScan(
          docket,
          { code, description: optionalString(body, 'description'), location, at },
          body.setStatus !== false,
        );
        return sendJson(res, 201, snapshot(state, record, url));
      }
      case 'PUT /dockets/:id/status': {
        const code = optionalString(body, 'code');
        if (!code) throw new SandboxInputError('code is required');
        return sendJson(res, 200, snapshot(state, state.setStatus(docket, code), url));
      }
      case 'GET /clock':
        return sendJson(res, 200, clockView(state));
      case 'POST /clock/advance': {
        const minutes =
          (optionalNumber(body, 'minutes') ?? 0) +
          (optionalNumber(body, 'hours') ?? 0) * 60 +
          (optionalNumber(body, 'days') ?? 0) * 1440;
        const { scansIssued } = state.advanceClock(minutes);
        return sendJson(res, 200, { ...clockView(state), scansIssued });
      }
      case 'GET /faults':
        return sendJson(res, 200, { faults: state.listFaults() });
      case 'POST /faults':
        return sendJson(res, 201, state.addFault(body as unknown as FaultSpec));
      case 'DELETE /faults':
        state.clearFaults();
        return send(res, 204, '');
      case 'DELETE /faults/:id':
        state.clearFaults(Number(parts[1]));
        return send(res, 204, '');
      case 'GET /stats':
        return sendJson(res, 200, state.stats());
      case 'DELETE /stats':
        state.resetStats();
        return send(res, 204, '');
      case 'GET /settings':
        return sendJson(res, 200, { ...state.settings, timeScale: state.currentTimeScale });
      case 'PUT /settings': {
        const shape = body.trackMultipleShape;
        if (shape !== undefined && shape !== 'map' && shape !== 'array') {
          throw new SandboxInputError('trackMultipleShape must be "map" or "array"');
        }
        const scenario = body.defaultScenario;
        if (scenario !== undefined && !isScenarioName(scenario)) {
          throw new SandboxInputError(
            `defaultScenario must be one of ${SCENARIO_NAMES.join(', ')}`,
          );
        }
        const timeScale = optionalNumber(body, 'timeScale');
        if (timeScale !== undefined) state.setTimeScale(timeScale);
        state.updateSettings({ trackMultipleShape: shape, defaultScenario: scenario });
        return sendJson(res, 200, { ...state.settings, timeScale: state.currentTimeScale });
      }
      case 'POST /reset':
        state.reset(optionalNumber(body, 'seed'));
        return sendJson(res, 200, { seed: state.currentSeed, ...clockView(state) });
      default:
        throw new SandboxInputError(`No control route ${method} ${path}`, 404);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const parsed = new URL(req.url ?? '/', 'http://sandbox');
    const path = parsed.pathname.replace(/\/+$/, '') || '/';
    try {
      if (path.startsWith('/api/')) return await handleCourier(req, res, path);
      if (path === '/__sandbox' || path.startsWith('/__sandbox/')) {
        return await handleControl(req, res, path, parsed.searchParams);
      }
      const page = /^\/track\/([^/]+)$/.exec(path);
      if (page && req.method === 'GET') {
        return send(
          res,
          200,
          trackingPage(state, decodeURIComponent(page[1])),
          'text/html; charset=utf-8',
        );
      }
      const file = /^\/(labels|pod)\/(\d{10})\.pdf$/.exec(path);
      if (file && req.method === 'GET') {
        const what = file[1] === 'pod' ? 'PROOF OF DELIVERY' : 'SHIPPING LABEL';
        return send(res, 200, `SEQUEL247 SANDBOX ${what} — docket ${file[2]}\n`, 'text/plain');
      }
      if (path === '/' && req.method === 'GET') return sendJson(res, 200, HELP);
      sendJson(res, 404, { status: 'false', message: `Not found: ${path}` });
    } catch (error) {
      if (error instanceof SandboxInputError) {
        return sendJson(res, error.status, { error: error.message });
      }
      if (error instanceof BodyTooLargeError)
        return sendJson(res, 413, { error: 'body too large' });
      sendJson(res, 500, { error: errorMessage(error) });
    } finally {
      saver?.changed();
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  // Long enough that keep-alive clients rarely reuse a socket the moment the server closes it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host}:${port}`;
  // Only once listening: a start that fails (port taken) must leave no timers behind.
  if (options.stateFile) saver = new SandboxStateSaver(state, options.stateFile, logger);

  return {
    url,
    controlUrl: `${url}/__sandbox`,
    token,
    port,
    state,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      try {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      } finally {
        // After the server closed, so the last request's changes are in the file.
        await saver?.stop();
      }
    },
  };
}

import http from 'node:http';
import https from 'node:https';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import type { Sequel247Config } from '../../config/sequel247.config.js';
import { CircuitBreaker, CircuitState } from './circuit-breaker.js';
import { parseRetryAfterMs, RetryDecision, RetryPolicy } from './retry-policy.js';
import type {
  CreatedShipment,
  CreateShipmentInput,
  Sequel247Client,
  Serviceability,
  ShipmentTracking,
  TrackManyResult,
} from './sequel247-client.interface.js';
import {
  Sequel247AuthError,
  Sequel247BadResponseError,
  Sequel247CircuitOpenError,
  Sequel247DocketNotFoundError,
  Sequel247Error,
  Sequel247RateLimitedError,
  Sequel247RequestRejectedError,
  Sequel247UnavailableError,
} from './sequel247.errors.js';
import {
  classifyFailure,
  describeFailure,
  isJsonObject,
  parseCreatedShipment,
  parseEstimatedDelivery,
  parseServiceability,
  parseShipmentTracking,
  parseStatusFlag,
  parsePodLink,
  parseTrackMultiple,
  Sequel247Failure,
  trimBodyForLog,
  unserviceable,
} from './sequel247.parser.js';
import { errorMessage } from '../../common/errors/error-message.js';

export type Sequel247ClientOptions = Pick<
  Sequel247Config,
  | 'baseUrl'
  | 'token'
  | 'timeoutMs'
  | 'retries'
  | 'retryBaseMs'
  | 'batchSize'
  | 'breakerThreshold'
  | 'breakerCooldownMs'
  | 'storeCode'
> & {
  /** Told about every logical call (metrics); never affects the call. */
  onCallCompleted?: (call: { endpoint: string; outcome: string; durationMs: number }) => void;
  /** Injected for tests. */
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

/** An answer whose envelope we could read: `ok` is the envelope's `status`. */
type Envelope =
  | { ok: true; body: Record<string, unknown>; text: string }
  | { ok: false; body: Record<string, unknown>; text: string; failure: Sequel247Failure };

interface CallOptions {
  /**
   * False for calls that must not run twice (booking a shipment): after a timeout or a dropped
   * connection the courier may have acted, so only failures that prove the request never landed
   * (refused connection, 429) are retried.
   */
  idempotent: boolean;
}

const POD_UNAVAILABLE = /not available|not delivered|no pod|pod not/i;
const ALREADY_CANCELLED = /already cancel/i;
/** How far back podDownload searches; the courier wants a date range with the docket. */
const POD_SEARCH_DAYS = 365;
/** Unknown codes are logged at warn once each; a bounded memory of which were seen. */
const MAX_REMEMBERED_UNKNOWN_CODES = 1_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Sequel247 adapter: HTTP + JSON in, typed domain values and typed errors out.
 * Every call goes through the circuit breaker and the retry policy; the token travels only in
 * request bodies and is never logged or put in an error.
 *
 * Breaker accounting, per logical call (after its retries): timeouts, 5xx and connection
 * failures count as failures. Any readable answer — including "not found", a rejection, a bad
 * token or code 103 — proves the courier is up and counts as a success: an auth failure is a
 * configuration error with its own clear message, which an open circuit would only hide.
 * A 429 is neutral (the courier is up but asks us to slow down; Retry-After handles that).
 */
export class Sequel247HttpClient implements Sequel247Client, OnApplicationShutdown {
  private readonly logger = new Logger(Sequel247HttpClient.name);
  private readonly http: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private readonly breaker: CircuitBreaker;
  private readonly retryPolicy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly warnedCodes = new Set<string>();

  constructor(private readonly options: Sequel247ClientOptions) {
    this.http = axios.create({
      timeout: options.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      // We read status codes and bodies ourselves: the courier's HTTP status is no success
      // signal, and a malformed body must be reported as such rather than thrown by axios.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
      proxy: false,
    });
    this.breaker = new CircuitBreaker({
      threshold: options.breakerThreshold,
      cooldownMs: options.breakerCooldownMs,
      now: options.now,
    });
    this.retryPolicy = new RetryPolicy({
      retries: options.retries,
      baseDelayMs: options.retryBaseMs,
      maxDelayMs: options.timeoutMs,
      random: options.random,
    });
    this.sleep = options.sleep ?? defaultSleep;
  }

  get circuitState(): CircuitState {
    return this.breaker.currentState;
  }

  async track(docketNumber: string): Promise<ShipmentTracking> {
    const docket = docketNumber.trim();
    const envelope = await this.call('/api/track', { docket }, { idempotent: true });
    if (!envelope.ok) throw this.failureError(envelope.failure, docket);
    const tracking = this.parse('/api/track', envelope, () =>
      parseShipmentTracking(envelope.body.data, {
        fallbackDocket: docket,
        warn: (m) => this.logger.warn(m),
      }),
    );
    this.warnAboutUnknownCodes(tracking);
    return tracking;
  }

  /**
   * Chunks run one after another: the tracking sync already calls this per batch with its own
   * concurrency, and a failed chunk fails the call (nothing half-reported).
   */
  async trackMany(docketNumbers: string[]): Promise<TrackManyResult> {
    const unique = [...new Set(docketNumbers.map((d) => d.trim()).filter((d) => d !== ''))];
    const result: TrackManyResult = { found: [], notFound: [] };
    for (let i = 0; i < unique.length; i += this.options.batchSize) {
      const chunk = unique.slice(i, i + this.options.batchSize);
      const part = await this.trackChunk(chunk);
      result.found.push(...part.found);
      result.notFound.push(...part.notFound);
    }
    return result;
  }

  private async trackChunk(dockets: string[]): Promise<TrackManyResult> {
    const path = '/api/trackMultiple';
    const envelope = await this.call(path, { dockets }, { idempotent: true });
    const body = envelope.body;
    const carriesResults =
      body.errorShipments !== undefined ||
      body.successShipments !== undefined ||
      (isJsonObject(body.data) && body.data.errorShipments !== undefined);
    if (!envelope.ok && !carriesResults) {
      const kind = classifyFailure(envelope.failure);
      if (kind === 'not_found') {
        return {
          found: [],
          notFound: dockets.map((docketNumber) => ({
            docketNumber,
            reason: envelope.failure.message,
          })),
        };
      }
      throw this.failureError(envelope.failure);
    }
    const result = this.parse(path, envelope, () =>
      parseTrackMultiple(body, dockets, (m) => this.logger.warn(m)),
    );
    for (const tracking of result.found) this.warnAboutUnknownCodes(tracking);
    return result;
  }

  /** A pincode the courier refuses to look up comes back as not serviceable, not as an error. */
  async checkServiceability(pincode: string): Promise<Serviceability> {
    const pin = pincode.trim();
    const envelope = await this.call(
      '/api/checkServiceability',
      { pin_code: pin },
      { idempotent: true },
    );
    if (!envelope.ok) {
      if (classifyFailure(envelope.failure) === 'auth') throw this.failureError(envelope.failure);
      this.logger.debug(`Pincode ${pin} not serviceable: ${envelope.failure.message}`);
      return unserviceable(pin);
    }
    return this.parse('/api/checkServiceability', envelope, () =>
      parseServiceability(pin, envelope.body.data),
    );
  }

  /** Null when the courier gives no estimate (e.g. an unserviceable lane). */
  async estimateDelivery(input: {
    originPincode: string;
    destinationPincode: string;
    pickupDate: Date;
  }): Promise<Date | null> {
    const envelope = await this.call(
      '/api/shipment/calculateEDD',
      {
        origin_pincode: input.originPincode,
        destination_pincode: input.destinationPincode,
        pickup_date: istDate(input.pickupDate),
      },
      { idempotent: true },
    );
    if (!envelope.ok) {
      if (classifyFailure(envelope.failure) === 'auth') throw this.failureError(envelope.failure);
      this.logger.debug(`No delivery estimate: ${envelope.failure.message}`);
      return null;
    }
    return parseEstimatedDelivery(envelope.body.data);
  }

  async createShipment(input: CreateShipmentInput): Promise<CreatedShipment> {
    const envelope = await this.call(
      '/api/shipment/create',
      {
        location: 'domestic',
        shipmentType: 'D&J',
        serviceType: input.serviceType,
        fromStoreCode: this.options.storeCode,
        toAddress: {
          consignee_name: input.consignee.name,
          address_line1: input.consignee.addressLine1,
          address_line2: input.consignee.addressLine2 ?? '',
          pinCode: input.consignee.pincode,
          auth_receiver_name: input.consignee.name,
          auth_receiver_phone: input.consignee.phone,
        },
        // Integrations send these as strings: grams, and rupees (we keep paise internally).
        net_weight: String(input.netWeightGrams),
        gross_weight: String(input.grossWeightGrams),
        net_value: rupees(input.netValuePaise),
        codValue: rupees(input.codValuePaise),
        no_of_packages: String(input.packages),
        ...(input.pickUpDate ? { pickUpDate: input.pickUpDate } : {}),
        remark: input.reference,
      },
      { idempotent: false },
    );
    if (!envelope.ok) throw this.failureError(envelope.failure);
    return this.parse('/api/shipment/create', envelope, () =>
      parseCreatedShipment(envelope.body.data),
    );
  }

  /** Cancelling a docket the courier already reports cancelled succeeds (safe to retry). */
  async cancelShipment(docketNumber: string, reason: string): Promise<void> {
    const docket = docketNumber.trim();
    const envelope = await this.call(
      '/api/cancel',
      { docket, cancelReason: reason },
      { idempotent: true },
    );
    if (envelope.ok) return;
    if (
      classifyFailure(envelope.failure) !== 'auth' &&
      mentions(envelope.failure, ALREADY_CANCELLED)
    ) {
      return;
    }
    throw this.failureError(envelope.failure, docket);
  }

  /** Null until the courier has a proof of delivery for the docket. */
  async proofOfDeliveryLink(docketNumber: string): Promise<string | null> {
    const docket = docketNumber.trim();
    const now = this.options.now?.() ?? Date.now();
    const envelope = await this.call(
      '/api/podDownload',
      {
        requestType: 'docket',
        dockets: [docket],
        fromDate: istDate(new Date(now - POD_SEARCH_DAYS * 86_400_000)),
        toDate: istDate(new Date(now)),
      },
      { idempotent: true },
    );
    if (envelope.ok) return parsePodLink(envelope.body);
    if (
      classifyFailure(envelope.failure) !== 'auth' &&
      mentions(envelope.failure, POD_UNAVAILABLE)
    ) {
      return null;
    }
    throw this.failureError(envelope.failure, docket);
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /** Closes idle keep-alive sockets (for use outside Nest: tests, benchmarks, scripts). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** One logical call, reported to `onCallCompleted` with its outcome and duration. */
  private async call(
    path: string,
    payload: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Envelope> {
    const started = performance.now();
    const report = (outcome: string) =>
      this.options.onCallCompleted?.({
        endpoint: path,
        outcome,
        durationMs: performance.now() - started,
      });
    try {
      const envelope = await this.callWithRetries(path, payload, options);
      report('success');
      return envelope;
    } catch (error) {
      report(error instanceof Sequel247Error ? error.code : 'SEQUEL247_UNEXPECTED');
      throw error;
    }
  }

  /** Breaker check, attempts with retries, breaker accounting. */
  private async callWithRetries(
    path: string,
    payload: Record<string, unknown>,
    options: CallOptions,
  ): Promise<Envelope> {
    if (!this.options.baseUrl) {
      throw new Sequel247UnavailableError(
        'SEQUEL247_BASE_URL is not set (outside production main.ts starts the sandbox and sets it)',
        undefined,
        false,
      );
    }
    const permit = this.breaker.tryAcquire();
    if (!permit.allowed) throw new Sequel247CircuitOpenError(permit.retryInMs);
    // A half-open probe is one attempt: it asks "are you back?", not "please work".
    const retries = permit.probe ? 0 : this.options.retries;
    const body = JSON.stringify({ token: this.options.token, ...payload });

    for (let attempt = 1; ; attempt++) {
      try {
        const envelope = await this.attempt(path, body, options, attempt);
        this.breaker.recordSuccess();
        return envelope;
      } catch (error) {
        const failure = this.asSequel247Error(error);
        const decision: RetryDecision =
          attempt <= retries ? this.retryPolicy.decide(failure, attempt) : { retry: false };
        if (!decision.retry) {
          this.account(failure, permit.probe);
          throw failure;
        }
        this.logger.warn(
          `${path} attempt ${attempt}/${retries + 1} failed: ${failure.message}; retrying in ${decision.delayMs} ms`,
        );
        await this.sleep(decision.delayMs);
      }
    }
  }

  private account(error: Sequel247Error, probe: boolean): void {
    if (error instanceof Sequel247UnavailableError) {
      this.breaker.recordFailure();
      if (this.breaker.currentState !== 'closed') {
        this.logger.warn(`Sequel247 circuit is open after repeated failures: ${error.message}`);
      }
    } else if (error instanceof Sequel247RateLimitedError) {
      this.breaker.recordNeutral(probe);
    } else {
      this.breaker.recordSuccess();
    }
  }

  /** One HTTP exchange → a readable envelope, or a typed error. */
  private async attempt(
    path: string,
    body: string,
    options: CallOptions,
    attempt: number,
  ): Promise<Envelope> {
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.post(`${this.options.baseUrl}${path}`, body);
    } catch (error) {
      throw this.transportError(path, error, options);
    }
    const status = response.status;
    const text = typeof response.data === 'string' ? response.data : '';

    if (status === 429) {
      const header = response.headers['retry-after'] as string | undefined;
      const retryAfterMs =
        parseRetryAfterMs(header, this.options.now?.() ?? Date.now()) ??
        this.retryPolicy.backoffDelayMs(attempt);
      throw new Sequel247RateLimitedError(
        `Sequel247 rate limit hit on ${path}; retry after ${retryAfterMs} ms`,
        retryAfterMs,
      );
    }
    if (status === 401 || status === 403) {
      throw new Sequel247AuthError(
        `Sequel247 rejected our credentials (HTTP ${status}) on ${path}: check SEQUEL247_TOKEN and SEQUEL247_BASE_URL`,
      );
    }
    if (status >= 500) {
      const retryable = options.idempotent;
      throw new Sequel247UnavailableError(
        `Sequel247 answered HTTP ${status} on ${path}${retryable ? '' : ' (outcome unknown, not retried)'}`,
        { httpStatus: status },
        retryable,
      );
    }
    if (status >= 300 && status < 400) {
      throw this.badResponse(
        path,
        `unexpected redirect (HTTP ${status}) to ${String(response.headers.location)}: check SEQUEL247_BASE_URL`,
        text,
      );
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw this.badResponse(path, `malformed JSON (HTTP ${status})`, text);
    }
    if (!isJsonObject(json)) throw this.badResponse(path, 'response is not a JSON object', text);
    const ok = parseStatusFlag(json.status);
    if (ok === null) {
      throw this.badResponse(
        path,
        `unreadable envelope status ${JSON.stringify(json.status)}`,
        text,
      );
    }
    if (ok) return { ok: true, body: json, text };
    const failure = describeFailure(json);
    failure.message = this.redact(failure.message);
    for (const key of Object.keys(failure.errorInfo)) {
      failure.errorInfo[key] = this.redact(failure.errorInfo[key]);
    }
    return { ok: false, body: json, text, failure };
  }

  private transportError(path: string, error: unknown, options: CallOptions): Sequel247Error {
    const code = axios.isAxiosError(error) ? error.code : undefined;
    // Never wrap the axios error itself: its config holds the request body, token included.
    let reason: string;
    let requestLanded = true;
    switch (code) {
      case 'ECONNABORTED':
      case 'ETIMEDOUT':
        reason = `timed out after ${this.options.timeoutMs} ms`;
        break;
      case 'ECONNREFUSED':
        reason = 'connection refused';
        requestLanded = false;
        break;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        reason = 'host not found';
        requestLanded = false;
        break;
      case 'ECONNRESET':
      case 'EPIPE':
        reason = 'connection dropped';
        break;
      default:
        reason = `network error${code ? ` ${code}` : ''}: ${this.redact(errorMessage(error))}`;
    }
    const retryable = options.idempotent || !requestLanded;
    return new Sequel247UnavailableError(
      `Sequel247 ${path} ${reason}${retryable ? '' : ' (outcome unknown, not retried)'}`,
      { reason: code ?? 'network' },
      retryable,
    );
  }

  private badResponse(path: string, problem: string, text: string): Sequel247BadResponseError {
    this.logger.error(
      `Sequel247 ${path}: ${problem}; body: ${trimBodyForLog(text, this.options.token)}`,
    );
    return new Sequel247BadResponseError(
      `Sequel247 sent an unreadable response on ${path}: ${problem}`,
    );
  }

  /** Runs a parser; a shape it cannot read is logged with the (trimmed, redacted) body. */
  private parse<T>(path: string, envelope: Envelope, parser: () => T): T {
    try {
      return parser();
    } catch (error) {
      if (error instanceof Sequel247BadResponseError) {
        throw this.badResponse(path, error.message, envelope.text);
      }
      throw error;
    }
  }

  private failureError(failure: Sequel247Failure, docket?: string): Sequel247Error {
    const details = { courierCode: failure.code, errorInfo: failure.errorInfo };
    switch (classifyFailure(failure)) {
      case 'auth':
        return new Sequel247AuthError(
          `Sequel247 refused our account: ${failure.message} (check SEQUEL247_TOKEN, SEQUEL247_BASE_URL and that the account is activated for this environment)`,
          details,
        );
      case 'not_found':
        if (docket !== undefined) return new Sequel247DocketNotFoundError(docket, failure.message);
        return new Sequel247RequestRejectedError(`Sequel247: ${failure.message}`, details);
      default:
        return new Sequel247RequestRejectedError(
          `Sequel247 rejected the request: ${failure.message}`,
          details,
        );
    }
  }

  private asSequel247Error(error: unknown): Sequel247Error {
    if (error instanceof Sequel247Error) return error;
    const message = errorMessage(error);
    return new Sequel247UnavailableError(`Sequel247 call failed: ${this.redact(message)}`);
  }

  private redact(text: string): string {
    const token = this.options.token;
    return token === '' ? text : text.split(token).join('[redacted]');
  }

  private warnAboutUnknownCodes(tracking: ShipmentTracking): void {
    const unknown = new Set<string>();
    if (tracking.status === null) unknown.add(tracking.rawStatusCode);
    for (const scan of tracking.scans) if (scan.status === null) unknown.add(scan.code);
    for (const code of unknown) {
      const message = `Unknown Sequel247 status code ${code} on docket ${tracking.docketNumber}: status left unchanged, raw code kept (add it to sequel247-status.map.ts)`;
      if (this.warnedCodes.has(code)) {
        this.logger.debug(message);
        continue;
      }
      if (this.warnedCodes.size < MAX_REMEMBERED_UNKNOWN_CODES) this.warnedCodes.add(code);
      this.logger.warn(message);
    }
  }
}

function mentions(failure: Sequel247Failure, pattern: RegExp): boolean {
  return [failure.message, ...Object.values(failure.errorInfo)].some((t) => pattern.test(t));
}

/** The IST calendar date of an instant, `YYYY-MM-DD`. */
function istDate(at: Date): string {
  return new Date(at.getTime() + 330 * 60_000).toISOString().slice(0, 10);
}

/** Integer paise → rupees as the courier expects them, e.g. 123450 → "1234.50", 9900 → "99". */
function rupees(paise: number): string {
  return paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2);
}

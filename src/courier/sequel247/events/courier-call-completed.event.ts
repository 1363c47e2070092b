import type { CircuitState } from '../circuit-breaker.js';

/**
 * One logical courier call finished (after its retries), or was refused by the open circuit.
 * Emitted for observers such as metrics; nothing in the product depends on it.
 */
export class CourierCallCompletedEvent {
  static readonly eventName = 'courier.call-completed';

  constructor(
    readonly courier: string,
    /** The courier endpoint, e.g. `/api/trackMultiple`. */
    readonly endpoint: string,
    /** `success`, or the error code (`SEQUEL247_UNAVAILABLE`, `SEQUEL247_CIRCUIT_OPEN`, …). */
    readonly outcome: string,
    readonly durationMs: number,
    /** The circuit breaker's state once the call was accounted. */
    readonly circuitState: CircuitState,
  ) {}
}

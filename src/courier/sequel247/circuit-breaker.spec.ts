import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 1000) {
  let now = 0;
  const b = new CircuitBreaker({ threshold, cooldownMs, now: () => now });
  return { b, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold of consecutive failures', () => {
    const { b } = breaker(3);
    b.recordFailure();
    b.recordFailure();
    expect(b.currentState).toBe('closed');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: false });
  });

  it('a success resets the count of consecutive failures', () => {
    const { b } = breaker(3);
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure();
    expect(b.currentState).toBe('closed');
  });

  it('opens at the threshold and refuses calls for the cool-down, saying how long is left', () => {
    const { b, advance } = breaker(3, 1000);
    for (let i = 0; i < 3; i++) b.recordFailure();
    expect(b.currentState).toBe('open');
    advance(400);
    expect(b.tryAcquire()).toEqual({ allowed: false, retryInMs: 600 });
  });

  it('lets exactly one probe through after the cool-down', () => {
    const { b, advance } = breaker(1, 1000);
    b.recordFailure();
    advance(1000);
    expect(b.currentState).toBe('half-open');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
    expect(b.tryAcquire()).toMatchObject({ allowed: false });
  });

  it('closes when the probe succeeds', () => {
    const { b, advance } = breaker(1, 1000);
    b.recordFailure();
    advance(1000);
    b.tryAcquire();
    b.recordSuccess();
    expect(b.currentState).toBe('closed');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: false });
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { b, advance } = breaker(5, 1000);
    for (let i = 0; i < 5; i++) b.recordFailure();
    advance(1000);
    b.tryAcquire();
    b.recordFailure();
    expect(b.currentState).toBe('open');
    advance(999);
    expect(b.tryAcquire()).toMatchObject({ allowed: false });
    advance(1);
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
  });

  it('a neutral probe outcome frees the probe slot without closing or waiting again', () => {
    const { b, advance } = breaker(1, 1000);
    b.recordFailure();
    advance(1000);
    b.tryAcquire();
    b.recordNeutral(true);
    expect(b.currentState).toBe('half-open');
    expect(b.tryAcquire()).toEqual({ allowed: true, probe: true });
  });
});

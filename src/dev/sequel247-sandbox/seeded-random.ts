/** A random sequence whose whole position is one 32-bit integer, so a sandbox can save and resume it. */
export interface SeededRandom {
  (): number;
  /** `seededRandom(r.state)` continues exactly where `r` is. */
  readonly state: number;
}

/** mulberry32: a tiny, fast PRNG — the same seed gives the same sandbox (docket numbers, timings). */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.defineProperty(next, 'state', { get: () => state }) as SeededRandom;
}

/** Uniform integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

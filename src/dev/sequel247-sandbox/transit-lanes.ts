import type { PincodeInfo } from './pincodes.js';

/**
 * The sandbox's linehaul (origin hub → destination hub) time per kind of lane, so delivered
 * history differs by lane the way real networks do: short and tight within a city, long with a
 * heavy tail to Tier 3 and the North East. The courier's own ETA (`transitDays`) does not know
 * these numbers, which is what gives Docket's history something to learn.
 */
export type LaneKind = 'local' | 'regional' | 'national' | 'remote' | 'hard-to-reach';

export interface LaneTransit {
  kind: LaneKind;
  /** The shortest linehaul on this lane. */
  baseHours: number;
  /** Mean of the exponential delay on top of `baseHours` (the lane's spread). */
  spreadHours: number;
}

const LANES: Readonly<Record<LaneKind, Omit<LaneTransit, 'kind'>>> = {
  local: { baseHours: 3, spreadHours: 3 },
  regional: { baseHours: 16, spreadHours: 8 },
  national: { baseHours: 34, spreadHours: 14 },
  remote: { baseHours: 56, spreadHours: 30 },
  'hard-to-reach': { baseHours: 80, spreadHours: 44 },
};

/** Draws above this are clamped, so one unlucky draw cannot park a parcel for weeks. */
const MAX_DRAW = 0.99;

export function laneKind(from: PincodeInfo, to: PincodeInfo): LaneKind {
  if (from.pincode.slice(0, 2) === to.pincode.slice(0, 2)) return 'local';
  // Jammu and Kashmir and the North East: few flights, road-heavy last legs.
  if (to.region === 'North East' || to.pincode.startsWith('19')) return 'hard-to-reach';
  if (from.region === to.region) return 'regional';
  return to.tier === 'Tier 3' ? 'remote' : 'national';
}

export function laneTransit(from: PincodeInfo, to: PincodeInfo): LaneTransit {
  const kind = laneKind(from, to);
  return { kind, ...LANES[kind] };
}

/**
 * Linehaul minutes for one uniform draw `u` in [0, 1): base + an exponential tail. One draw per
 * docket (as every other gap), so a seed still fixes the whole sandbox.
 */
export function linehaulMinutes(lane: LaneTransit, u: number): number {
  const tail = -Math.log(1 - Math.min(Math.max(u, 0), MAX_DRAW));
  return Math.round((lane.baseHours + lane.spreadHours * tail) * 60);
}

/**
 * A small, fixed serviceability table for the sandbox. Rules (documented in the README):
 * a 6-digit pincode whose first digit is 1–8 is deliverable; 9xxxxx (army postal) and anything
 * else is not serviceable. Known city prefixes get city/hub/state and pickup; others are served
 * through a regional hub with no pickup and a null city.
 */
export interface PincodeInfo {
  pincode: string;
  city: string | null;
  state: string | null;
  hub: string;
  region: string;
  tier: string;
  pickup: boolean;
  cod: boolean;
}

const CITIES: Record<string, Omit<PincodeInfo, 'pincode' | 'hub' | 'pickup'>> = {
  '11': { city: 'DELHI', state: 'Delhi', region: 'North', tier: 'Tier 1', cod: true },
  '19': {
    city: 'SRINAGAR',
    state: 'Jammu and Kashmir',
    region: 'North',
    tier: 'Tier 3',
    cod: false,
  },
  '22': { city: 'LUCKNOW', state: 'Uttar Pradesh', region: 'North', tier: 'Tier 2', cod: true },
  '30': { city: 'JAIPUR', state: 'Rajasthan', region: 'North', tier: 'Tier 2', cod: true },
  '38': { city: 'AHMEDABAD', state: 'Gujarat', region: 'West', tier: 'Tier 2', cod: true },
  '40': { city: 'MUMBAI', state: 'Maharashtra', region: 'West', tier: 'Tier 1', cod: true },
  '41': { city: 'PUNE', state: 'Maharashtra', region: 'West', tier: 'Tier 2', cod: true },
  '50': { city: 'HYDERABAD', state: 'Telangana', region: 'South', tier: 'Tier 1', cod: true },
  '56': { city: 'BANGALORE', state: 'Karnataka', region: 'South', tier: 'Tier 1', cod: true },
  '60': { city: 'CHENNAI', state: 'Tamil Nadu', region: 'South', tier: 'Tier 1', cod: true },
  '68': { city: 'KOCHI', state: 'Kerala', region: 'South', tier: 'Tier 2', cod: true },
  '70': { city: 'KOLKATA', state: 'West Bengal', region: 'East', tier: 'Tier 1', cod: true },
  '78': { city: 'GUWAHATI', state: 'Assam', region: 'North East', tier: 'Tier 3', cod: false },
};

const REGIONS: Record<string, string> = {
  '1': 'North',
  '2': 'North',
  '3': 'West',
  '4': 'West',
  '5': 'South',
  '6': 'South',
  '7': 'East',
  '8': 'East',
};

/** Destinations the sandbox picks from when a test does not name one. */
export const SAMPLE_DESTINATIONS = Object.keys(CITIES)
  .filter((p) => p !== '19' && p !== '78')
  .map((prefix) => `${prefix}0001`);

export function lookupPincode(pincode: string): PincodeInfo | null {
  if (!/^[1-8]\d{5}$/.test(pincode)) return null;
  const known = CITIES[pincode.slice(0, 2)];
  if (known) {
    return { pincode, ...known, hub: `${known.city} HUB`, pickup: known.tier !== 'Tier 3' };
  }
  const region = REGIONS[pincode[0]];
  return {
    pincode,
    city: null,
    state: null,
    hub: `${region.toUpperCase()} REGIONAL HUB`,
    region,
    tier: 'Tier 3',
    pickup: false,
    cod: true,
  };
}

/** Deterministic days in transit between two serviceable pincodes. */
export function transitDays(from: PincodeInfo, to: PincodeInfo): number {
  if (from.pincode.slice(0, 2) === to.pincode.slice(0, 2)) return 1;
  if (from.region === to.region) return 2;
  return to.tier === 'Tier 3' ? 5 : 3;
}

/** Where scans happen: a city, or the hub's name for pincodes without a known city. */
export function scanPlace(info: PincodeInfo): string {
  return info.city ?? info.hub;
}

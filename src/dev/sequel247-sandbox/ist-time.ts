/**
 * Sequel247 speaks India wall-clock time without a zone. The sandbox keeps UTC epoch
 * milliseconds and formats at the edge, exactly as the real service appears to.
 * (Deliberately independent of the client's parser, so a bug in one is not mirrored in the other.)
 */
export const IST_OFFSET_MS = 330 * 60_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

function parts(ms: number) {
  const d = new Date(ms + IST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    y: String(d.getUTCFullYear()),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
  };
}

/** Scan times: `2017-02-27 12:26:00`. */
export function formatScanTime(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** ETAs: `14-06-2017 20:00`. */
export function formatEta(ms: number): string {
  const p = parts(ms);
  return `${p.d}-${p.mo}-${p.y} ${p.h}:${p.mi}`;
}

/** Dates: `14-06-2017`. */
export function formatDayFirstDate(ms: number): string {
  const p = parts(ms);
  return `${p.d}-${p.mo}-${p.y}`;
}

/** `2017-06-14` (IST calendar date). */
export function formatIsoDate(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** The instant of `hour`:00 IST on the IST calendar day of `ms`, `days` later. */
export function istDayAt(ms: number, days: number, hour: number): number {
  const shifted = new Date(ms + IST_OFFSET_MS);
  const wall = Date.UTC(
    shifted.getUTCFullYear(),
    shifted.getUTCMonth(),
    shifted.getUTCDate() + days,
    hour,
  );
  return wall - IST_OFFSET_MS;
}

/** Hour of day in IST. */
export function istHour(ms: number): number {
  return new Date(ms + IST_OFFSET_MS).getUTCHours();
}

/**
 * Control-API input: `YYYY-MM-DD HH:MM[:SS]` (IST), `DD-MM-YYYY HH:MM` (IST) or ISO 8601 with a
 * zone. Null when unreadable.
 */
export function parseControlTime(text: string): number | null {
  const yearFirst = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const dayFirst = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const match = yearFirst ?? dayFirst;
  if (match) {
    const [, a, b, c, h, mi, s] = match.map(Number);
    const [y, mo, d] = yearFirst ? [a, b, c] : [c, b, a];
    return Date.UTC(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s) - IST_OFFSET_MS;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Whether this process is the self-contained development demo or must run with production
 * settings. The demo is what `npm start` gives a fresh clone: nothing configured, so the dev
 * launcher (src/dev/) starts an embedded database and the Sequel247 sandbox itself. As soon as
 * anything real is configured, the process fails closed: no development JWT secret, no demo
 * accounts, no sandbox token.
 *
 * What the launcher started is recorded here, in memory, by main.ts: an environment variable
 * could be copied into a real deployment and switch the development defaults back on.
 */
const selfStarted = { database: false, courier: false };

export type SelfStartedPart = keyof typeof selfStarted;

/** Called by main.ts after the dev launcher has started `parts` and pointed the env at them. */
export function markSelfStarted(...parts: SelfStartedPart[]): void {
  for (const part of parts) selfStarted[part] = true;
}

/** Forget what was self-started (tests that boot several apps in one process). */
export function clearSelfStarted(): void {
  selfStarted.database = false;
  selfStarted.courier = false;
}

/**
 * Why this process must use production settings, one reason per variable; empty for the
 * embedded demo. An unset NODE_ENV is not a reason either way: only what is configured counts.
 */
export function productionReasons(env: NodeJS.ProcessEnv = process.env): string[] {
  const reasons: string[] = [];
  if (env.NODE_ENV === 'production') reasons.push('NODE_ENV=production');
  if (env.MONGODB_URI && !selfStarted.database) reasons.push('MONGODB_URI is set');
  if (env.SEQUEL247_BASE_URL && !selfStarted.courier) reasons.push('SEQUEL247_BASE_URL is set');
  return reasons;
}

/** True when nothing real is configured: the dev launcher may start the embedded parts. */
export function wantsEmbeddedDemo(env: NodeJS.ProcessEnv = process.env): boolean {
  return productionReasons(env).length === 0;
}

/** ` (required because MONGODB_URI is set)`, for boot errors that name what to set. */
export function becauseOf(reasons: string[]): string {
  return reasons.length ? ` (required because ${reasons.join(' and ')})` : '';
}

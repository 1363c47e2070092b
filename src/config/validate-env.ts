import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

/**
 * Validates the environment variables a config namespace reads. Each problem names the
 * variable, so a bad deployment stops at boot with a message saying what to fix.
 */
export function validateEnv<T extends object>(
  schema: new () => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // An empty variable counts as unset, as in most .env tooling.
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const instance = plainToInstance(schema, relevant, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(instance, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    throw new InvalidConfigError(
      errors.map(
        (e) =>
          `${e.property}=${JSON.stringify(relevant[e.property] ?? null)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
      ),
    );
  }
  return instance;
}

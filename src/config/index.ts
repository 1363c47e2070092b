import { errorMessage } from '../common/errors/error-message.js';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { databaseConfig } from './database.config.js';
import { notificationsConfig } from './notifications.config.js';
import { metricsConfig } from './metrics.config.js';
import { ordersConfig } from './orders.config.js';
import { publicTrackingConfig } from './public-tracking.config.js';
import { sequel247Config } from './sequel247.config.js';
import { trackingConfig } from './tracking.config.js';
import { webhooksConfig } from './webhooks.config.js';
import { InvalidConfigError } from './validate-env.js';

export type { AllConfig } from './config.type.js';
export const configNamespaces = [
  appConfig,
  databaseConfig,
  authConfig,
  sequel247Config,
  trackingConfig,
  ordersConfig,
  notificationsConfig,
  webhooksConfig,
  publicTrackingConfig,
  metricsConfig,
];

/**
 * Loads every namespace once and reports every problem together, so a misconfigured deployment
 * learns all the variables to fix from one failed boot (Nest would stop at the first).
 */
export function checkConfiguration(): void {
  const problems: string[] = [];
  for (const load of configNamespaces) {
    try {
      load();
    } catch (error) {
      problems.push(
        ...(error instanceof InvalidConfigError ? error.problems : [errorMessage(error)]),
      );
    }
  }
  if (problems.length) throw new InvalidConfigError(problems);
}

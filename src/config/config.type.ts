import type { AppConfig } from './app.config.js';
import type { AuthConfig } from './auth.config.js';
import type { DatabaseConfig } from './database.config.js';
import type { NotificationsConfig } from './notifications.config.js';
import type { MetricsConfig } from './metrics.config.js';
import type { OrdersConfig } from './orders.config.js';
import type { PublicTrackingConfig } from './public-tracking.config.js';
import type { Sequel247Config } from './sequel247.config.js';
import type { TrackingConfig } from './tracking.config.js';
import type { WebhooksConfig } from './webhooks.config.js';

/** Use as `ConfigService<AllConfig, true>` and read with `getOrThrow('x', { infer: true })`. */
export interface AllConfig {
  app: AppConfig;
  database: DatabaseConfig;
  auth: AuthConfig;
  sequel247: Sequel247Config;
  tracking: TrackingConfig;
  orders: OrdersConfig;
  notifications: NotificationsConfig;
  webhooks: WebhooksConfig;
  publicTracking: PublicTrackingConfig;
  metrics: MetricsConfig;
}

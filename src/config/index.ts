import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { databaseConfig } from './database.config.js';
import { notificationsConfig } from './notifications.config.js';
import { ordersConfig } from './orders.config.js';
import { publicTrackingConfig } from './public-tracking.config.js';
import { sequel247Config } from './sequel247.config.js';
import { trackingConfig } from './tracking.config.js';
import { webhooksConfig } from './webhooks.config.js';

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
];

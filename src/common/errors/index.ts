export * from './domain-error.js';
export * from './error-message.js';
export * from './database-unavailable.js';

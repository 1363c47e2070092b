export * from './domain-error.js';
export * from './error-message.js';

import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

/**
 * The `webhook-signature` header value: one `v1,<base64 HMAC-SHA256>` per secret, space
 * separated, over `<webhook-id>.<webhook-timestamp>.<body>` (Standard Webhooks). During a
 * rotation both the new and the old secret sign, so receivers can switch at their own pace.
 */
export function signWebhook(
  messageId: string,
  timestampSeconds: number,
  body: string,
  secrets: string[],
): string {
  const content = `${messageId}.${timestampSeconds}.${body}`;
  return secrets
    .map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(content).digest('base64')}`)
    .join(' ');
}

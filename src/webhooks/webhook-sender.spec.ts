import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_STORED_RESPONSE_BYTES, sendWebhook } from './webhook-sender.js';
import { generateWebhookSecret } from './webhook-signer.js';

let server: Server | undefined;

async function receiver(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const dev = { allowPrivate: true, timeoutMs: 2_000 };

describe('sendWebhook', () => {
  it('POSTs the body with Standard Webhooks headers that verify', async () => {
    const secret = generateWebhookSecret();
    let verified: unknown;
    const url = await receiver((req, body, res) => {
      verified = new Webhook(secret).verify(body, req.headers as Record<string, string>);
      res.writeHead(204).end();
    });
    const result = await sendWebhook(
      { url, messageId: 'msg_a', body: '{"type":"order.created","data":{}}', secrets: [secret] },
      dev,
    );
    expect(result).toMatchObject({ ok: true, responseStatus: 204, error: null });
    expect(verified).toEqual({ type: 'order.created', data: {} });
  });

  it('keeps only the first 1 KB of a response body', async () => {
    const url = await receiver((_req, _body, res) => res.writeHead(500).end('x'.repeat(50_000)));
    const result = await sendWebhook(
      { url, messageId: 'm', body: '{}', secrets: [generateWebhookSecret()] },
      dev,
    );
    expect(result.ok).toBe(false);
    expect(result.responseStatus).toBe(500);
    expect(result.responseBody).toHaveLength(MAX_STORED_RESPONSE_BYTES);
  });

  it('does not follow redirects', async () => {
    let hits = 0;
    const url = await receiver((_req, _body, res) => {
      hits += 1;
      res.writeHead(302, { location: 'http://169.254.169.254/latest' }).end();
    });
    const result = await sendWebhook(
      { url, messageId: 'm', body: '{}', secrets: [generateWebhookSecret()] },
      dev,
    );
    expect(result).toMatchObject({ ok: false, responseStatus: 302 });
    expect(result.error).toMatch(/redirect .* not followed/);
    expect(hits).toBe(1);
  });

  it('gives up after the timeout', async () => {
    const url = await receiver(() => undefined);
    const result = await sendWebhook(
      { url, messageId: 'm', body: '{}', secrets: [generateWebhookSecret()] },
      { allowPrivate: true, timeoutMs: 200 },
    );
    expect(result.ok).toBe(false);
    expect(result.responseStatus).toBeNull();
    expect(result.error).toMatch(/within 200 ms/);
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
  });

  it('refuses a loopback host name when private targets are not allowed, without connecting', async () => {
    let hits = 0;
    const url = await receiver((_req, _body, res) => {
      hits += 1;
      res.end();
    });
    const result = await sendWebhook(
      {
        url: url.replace('http://127.0.0.1', 'https://localhost'),
        messageId: 'm',
        body: '{}',
        secrets: [generateWebhookSecret()],
      },
      { allowPrivate: false, timeoutMs: 1_000 },
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/non-public address/);
    expect(hits).toBe(0);
  });
});

import http from 'node:http';
import https from 'node:https';
import { errorMessage } from '../common/errors/error-message.js';
import { signWebhook } from './webhook-signer.js';
import { checkWebhookUrl, guardedLookup, type TargetPolicy } from './webhook-target.guard.js';

/** Response bodies are kept only this far, for the admin's delivery log. */
export const MAX_STORED_RESPONSE_BYTES = 1024;

export interface OutgoingWebhook {
  url: string;
  messageId: string;
  body: string;
  secrets: string[];
}

export interface AttemptResult {
  ok: boolean;
  /** HTTP status, or null when no response arrived (refused target, timeout, network). */
  responseStatus: number | null;
  /** The first 1 KB of the response body, as text. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

/**
 * POSTs one signed webhook. Success is a 2xx; redirects are not followed (a 3xx is a failure),
 * the whole exchange is bounded by `timeoutMs`, and at most 1 KB of the answer is read.
 */
export async function sendWebhook(
  webhook: OutgoingWebhook,
  options: TargetPolicy & { timeoutMs: number; now?: () => Date },
): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url: URL;
  try {
    url = checkWebhookUrl(webhook.url, options);
  } catch (error) {
    return {
      ok: false,
      responseStatus: null,
      responseBody: null,
      durationMs: 0,
      error: errorMessage(error),
    };
  }
  const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Docket-Webhooks/1.0',
    'webhook-id': webhook.messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(webhook.messageId, timestamp, webhook.body, webhook.secrets),
    'content-length': String(Buffer.byteLength(webhook.body)),
  };
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const request = transport.request(url, {
      method: 'POST',
      headers,
      lookup: guardedLookup(options),
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error) =>
      finish({ ok: false, responseStatus: null, responseBody: null, error: errorMessage(error) }),
    );
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_STORED_RESPONSE_BYTES).toString('utf8');
        const ok = status >= 200 && status < 300;
        finish({
          ok,
          responseStatus: status,
          responseBody: body,
          error: ok
            ? null
            : status >= 300 && status < 400
              ? `redirect to ${response.headers.location ?? '(none)'} not followed`
              : `HTTP ${status}`,
        });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (kept < MAX_STORED_RESPONSE_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
        // Enough kept: the status decides the outcome; do not download the rest.
        if (kept >= MAX_STORED_RESPONSE_BYTES) done();
      });
      response.on('end', done);
      response.on('error', done);
    });
    request.end(webhook.body);
  });
}

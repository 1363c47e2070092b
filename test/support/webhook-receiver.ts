import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver got, with the answer it gave. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  headers: IncomingHttpHeaders;
  body: string;
  answeredWith: number;
  at: number;
  /** The parsed `{ type, timestamp, data }` envelope. */
  json<T = { type: string; timestamp: string; data: Record<string, unknown> }>(): T;
  /** Verifies with the standardwebhooks reference library; throws when the signature is bad. */
  verify(secret: string): unknown;
}

/**
 * A real HTTP webhook receiver on 127.0.0.1 for e2e tests. `respond` decides each answer's
 * status (default 200); every request is kept, whatever the answer.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (request: Omit<ReceivedWebhook, 'answeredWith'>, index: number) => number = () => 200;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks/docket'): Promise<WebhookReceiver> {
    const holder: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => String(req.headers[name] ?? '');
        const base = {
          id: header('webhook-id'),
          timestamp: header('webhook-timestamp'),
          signature: header('webhook-signature'),
          headers: req.headers,
          body,
          at: Date.now(),
          json: <T>() => JSON.parse(body) as T,
          verify: (secret: string) =>
            new Webhook(secret).verify(body, {
              'webhook-id': header('webhook-id'),
              'webhook-timestamp': header('webhook-timestamp'),
              'webhook-signature': header('webhook-signature'),
            }),
        };
        const receiver = holder.receiver!;
        const status = receiver.respond(base, receiver.received.length);
        receiver.received.push({ ...base, answeredWith: status });
        res
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status < 300 ? 'ok' : 'not now');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return holder.receiver;
  }

  /** Requests answered with a 2xx. */
  get accepted(): ReceivedWebhook[] {
    return this.received.filter((r) => r.answeredWith < 300);
  }

  async until(predicate: (r: WebhookReceiver) => boolean, timeoutMs = 15_000, what = 'webhooks') {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Webhook receiver: timed out waiting for ${what}; got ${this.received
            .map((r) => `${r.json().type}→${r.answeredWith}`)
            .join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

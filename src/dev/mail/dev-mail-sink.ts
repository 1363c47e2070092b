import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the development SMTP sink received. */
export interface DevMail {
  id: string;
  receivedAt: Date;
  /** SMTP envelope. */
  from: string | null;
  to: string[];
  subject: string;
  messageId: string | null;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface DevMailSink {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  readonly url: string;
  readonly port: number;
  /** Newest first. */
  messages(): DevMail[];
  clear(): void;
  /** Resolves when a message matching `predicate` has arrived (or rejects after `timeoutMs`). */
  waitFor(predicate: (mail: DevMail) => boolean, timeoutMs?: number): Promise<DevMail>;
  stop(): Promise<void>;
}

/**
 * A development and test SMTP server: accepts every message on loopback (no auth, no TLS),
 * parses it and keeps the last `limit` in memory so a person (`GET /api/dev/mail`) or a test
 * can read what the app sent over real SMTP. Never started in production.
 */
export async function startDevMailSink(
  options: { port?: number; host?: string; limit?: number } = {},
): Promise<DevMailSink> {
  const limit = options.limit ?? 1_000;
  const host = options.host ?? '127.0.0.1';
  const inbox: DevMail[] = [];
  let waiters: Array<() => void> = [];

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    banner: 'Docket development mail sink',
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [key, value] of parsed.headers) {
            headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
          }
          inbox.unshift({
            id: randomUUID(),
            receivedAt: new Date(),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            messageId: parsed.messageId ?? null,
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headers,
          });
          if (inbox.length > limit) inbox.length = limit;
          const waiting = waiters;
          waiters = [];
          for (const wake of waiting) wake();
          callback();
        })
        .catch((error: unknown) => callback(error instanceof Error ? error : new Error('parse')));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://${host}:${port}`,
    port,
    messages: () => [...inbox],
    clear: () => {
      inbox.length = 0;
    },
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = inbox.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('No matching mail arrived at the dev SMTP sink in time');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

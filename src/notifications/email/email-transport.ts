import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AllConfig } from '../../config/index.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per message (its idempotency key), so a receiver can drop a resend. */
  messageId: string;
  headers?: Record<string, string>;
}

/** Every SMTP step is bounded, so a hung server fails the attempt instead of the sender. */
const TIMEOUT_MS = 10_000;

/** SMTP through nodemailer (pooled connections). */
@Injectable()
export class EmailTransport implements OnApplicationShutdown {
  private transporter: Transporter | null = null;
  private readonly settings: AllConfig['notifications']['email'];

  constructor(config: ConfigService<AllConfig, true>) {
    this.settings = config.getOrThrow('notifications', { infer: true }).email;
  }

  private get smtp(): Transporter {
    if (!this.transporter) {
      const url = this.settings.smtpUrl ?? process.env.SMTP_URL;
      if (!url) throw new Error('SMTP_URL is not set and no development SMTP sink is running');
      const parsed = new URL(url);
      const secure = parsed.protocol === 'smtps:';
      this.transporter = nodemailer.createTransport({
        host: parsed.hostname,
        port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
        secure,
        auth: parsed.username
          ? {
              user: decodeURIComponent(parsed.username),
              pass: decodeURIComponent(parsed.password),
            }
          : undefined,
        pool: true,
        maxConnections: this.settings.concurrency,
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
        socketTimeout: TIMEOUT_MS,
      });
    }
    return this.transporter;
  }

  /** Resolves with the server's reply once it accepted the message; rejects otherwise. */
  async send(email: OutgoingEmail): Promise<string> {
    const info = (await this.smtp.sendMail({
      from: this.settings.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      headers: email.headers,
    })) as { response?: string };
    return info.response ?? '';
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}

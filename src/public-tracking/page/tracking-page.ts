import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../common/errors/domain-error.js';
import { errorMessage } from '../../common/errors/error-message.js';
import { ParcelStreamService } from '../parcel-stream.service.js';
import { TrackingLinkExpiredError } from '../public-tracking.errors.js';
import { PublicTrackingService } from '../public-tracking.service.js';
import { pageUpdate, renderLinkProblemPage, renderTrackingPage } from './tracking-page.html.js';

/** Outside the /api prefix: what a shopper's phone opens from an email or SMS. */
export const TRACKING_PAGE_PATH = '/track/t/:token';

function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The shopper's tracking page and its live stream. Plain server-rendered HTML, no build step,
 * no third-party assets; the inline style and script carry a per-response CSP nonce.
 */
@Injectable()
export class TrackingPage {
  private readonly logger = new Logger(TrackingPage.name);

  constructor(
    private readonly tracking: PublicTrackingService,
    private readonly streams: ParcelStreamService,
  ) {}

  async page(req: Request<{ token: string }>, res: Response): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html');
    try {
      const parcel = await this.tracking.byLink(req.params.token);
      res
        .status(200)
        .send(renderTrackingPage(parcel, `${req.path.replace(/\/$/, '')}/events`, nonce));
    } catch (error) {
      const expired = error instanceof TrackingLinkExpiredError;
      if (!(error instanceof DomainError)) {
        this.logger.error(`Tracking page failed: ${errorMessage(error)}`);
        res.status(503).send(renderLinkProblemPage('invalid', nonce));
        return;
      }
      res
        .status(expired ? 410 : 404)
        .send(renderLinkProblemPage(expired ? 'expired' : 'invalid', nonce));
    }
  }

  async events(req: Request<{ token: string }>, res: Response): Promise<void> {
    try {
      const orderId = this.tracking.orderIdOfLink(req.params.token);
      await this.streams.stream(orderId, req, res, { event: 'page', data: pageUpdate });
    } catch (error) {
      if (res.headersSent) return;
      const expired = error instanceof TrackingLinkExpiredError;
      res.status(error instanceof DomainError ? (expired ? 410 : 404) : 503).end();
    }
  }
}

/**
 * Registers the page routes on the HTTP adapter (before Nest's own routes and 404 handler), so
 * they live outside the global /api prefix while `/api/track/t/:token` stays JSON.
 */
export function mountTrackingPage(app: INestApplication): void {
  const page = app.get(TrackingPage);
  const http = app.getHttpAdapter();
  http.get(TRACKING_PAGE_PATH, (req: Request<{ token: string }>, res: Response) => {
    void page.page(req, res);
  });
  http.get(`${TRACKING_PAGE_PATH}/events`, (req: Request<{ token: string }>, res: Response) => {
    void page.events(req, res);
  });
}

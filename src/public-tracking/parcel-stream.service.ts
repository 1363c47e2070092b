import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import { errorMessage } from '../common/errors/error-message.js';
import type { AllConfig } from '../config/index.js';
import type { PublicParcelDto } from './dto/public-parcel.dto.js';
import { ORDER_CHANGES, type OrderChanges } from './order-changes.js';
import { PublicTrackingService } from './public-tracking.service.js';

/** How one stream turns the parcel into an SSE event: its name and its data line. */
export interface ParcelEventFormat {
  event: string;
  data(parcel: PublicParcelDto): string;
}

/**
 * Server-Sent Events of one order's parcel view: the current view at once (so a reconnect
 * always catches up, whatever it missed), then the view again after each change to the order,
 * with the change's feed position as the event id, and heartbeat comments in between.
 */
@Injectable()
export class ParcelStreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ParcelStreamService.name);
  private readonly open = new Set<Response>();

  constructor(
    private readonly parcels: PublicTrackingService,
    @Inject(ORDER_CHANGES) private readonly changes: OrderChanges,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  /** Number of streams open on this instance. */
  get openCount(): number {
    return this.open.size;
  }

  async stream(orderId: string, req: Request, res: Response, format: ParcelEventFormat) {
    const first = await this.parcels.parcelOf(orderId);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    this.open.add(res);
    const send = (parcel: PublicParcelDto, id?: string) => {
      res.write(
        `${id ? `id: ${id}\n` : ''}event: ${format.event}\ndata: ${format.data(parcel)}\n\n`,
      );
    };
    res.write('retry: 3000\n\n');
    send(first);

    // One re-read at a time, in the order the changes arrived.
    let chain = Promise.resolve();
    const subscription = this.changes.of(orderId).subscribe({
      next: (change) => {
        chain = chain
          .then(async () => send(await this.parcels.parcelOf(orderId), change.position))
          .catch((error: unknown) =>
            this.logger.warn(`Parcel stream update failed: ${errorMessage(error)}`),
          );
      },
      complete: () => res.end(),
    });
    const { heartbeatMs } = this.config.getOrThrow('publicTracking', { infer: true });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
      this.open.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }

  /** Ends open streams so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

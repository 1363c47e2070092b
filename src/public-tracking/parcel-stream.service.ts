import { BeforeApplicationShutdown, Injectable, type MessageEvent } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LiveStreams } from '../notifications/live/live-streams.service.js';
import type { PublicParcelDto } from './dto/public-parcel.dto.js';
import { PublicTrackingService } from './public-tracking.service.js';

/** How one stream turns the parcel into an SSE event: its name and its data line. */
export interface ParcelEventFormat {
  event: string;
  data(parcel: PublicParcelDto): string;
}

/**
 * Server-Sent Events of one order's parcel view over the shared live mechanism (LiveStreams,
 * scoped to the order the signed link names): the current view at once, then the view again
 * after each change to the order (status, shipment, scan), whichever instance made it, with
 * the change's feed position as the event id; `Last-Event-ID` replays missed changes;
 * heartbeat comments in between.
 */
@Injectable()
export class ParcelStreamService implements BeforeApplicationShutdown {
  private readonly open = new Set<Response>();

  constructor(
    private readonly parcels: PublicTrackingService,
    private readonly live: LiveStreams,
  ) {}

  async stream(orderId: string, req: Request, res: Response, format: ParcelEventFormat) {
    const first = await this.parcels.parcelOf(orderId);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    this.open.add(res);
    const write = (parcel: PublicParcelDto, id?: string) => {
      res.write(
        `${id ? `id: ${id}\n` : ''}event: ${format.event}\ndata: ${format.data(parcel)}\n\n`,
      );
    };
    res.write('retry: 3000\n\n');
    write(first);

    const lastEventId = req.headers['last-event-id'];
    const subscription = this.live
      .forOrder(
        orderId,
        async () => ({ parcel: await this.parcels.parcelOf(orderId) }),
        typeof lastEventId === 'string' ? lastEventId : null,
      )
      .subscribe({
        next: (message: MessageEvent) => {
          const comment = (message as { comment?: string }).comment;
          if (comment) {
            res.write(`: ${comment}\n\n`);
            return;
          }
          const data = message.data as { parcel: PublicParcelDto };
          write(data.parcel, message.id);
        },
        error: () => res.end(),
        complete: () => res.end(),
      });
    const close = () => {
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

import { Injectable, Logger } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { ServiceUnavailableError } from '../common/errors/domain-error.js';
import { errorMessage } from '../common/errors/error-message.js';
import type { HealthDto } from './health.controller.js';

const PING_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  private readonly logger = new Logger(HealthService.name);

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<HealthDto> {
    const started = Date.now();
    try {
      await this.ping();
    } catch (error) {
      // The reason (host names, driver messages) goes to the log, never to an anonymous client.
      this.logger.warn(`Health check: database unreachable: ${errorMessage(error)}`);
      throw new ServiceUnavailableError('Database is unreachable', {
        database: { status: 'down' },
      });
    }
    return {
      status: 'ok',
      database: { status: 'up', latencyMs: Date.now() - started },
      uptimeSeconds: Math.round(process.uptime() * 10) / 10,
    };
  }

  private async ping(): Promise<void> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== mongoose.ConnectionStates.connected)
      throw new Error('not connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no ping reply in ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([db.admin().command({ ping: 1 }), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { ServiceUnavailableError } from '../common/errors/domain-error.js';
import type { HealthDto } from './health.controller.js';

const PING_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  async check(): Promise<HealthDto> {
    const started = Date.now();
    try {
      await this.ping();
    } catch (error) {
      throw new ServiceUnavailableError('Database is unreachable', {
        database: {
          status: 'down',
          reason: error instanceof Error ? error.message : String(error),
        },
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

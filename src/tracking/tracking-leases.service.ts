import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { leaseKey, TrackingLease } from './schemas/tracking-lease.schema.js';
import { duplicateInsertIndexes } from '../common/database/duplicate-key.js';

export interface LeaseCandidate {
  /** Tracking `_id` (docket number). */
  id: string;
  /** The tracking's `syncSeq` as last read. */
  seq: number;
}

export interface HeldLease {
  id: string;
  seq: number;
  /** Every lease key to delete on release: ours first, then the expired ones we took over from. */
  keys: string[];
  expiresAt: Date;
}

/**
 * Claims trackings by inserting lease records (see TrackingLease for why inserts). Works the
 * same on MongoDB and FerretDB: the unique `_id` decides who owns each sync.
 */
@Injectable()
export class TrackingLeases {
  constructor(@InjectModel(TrackingLease.name) private readonly leases: Model<TrackingLease>) {}

  /** Claims what it can of `candidates` for `owner`; returns the leases it got. */
  async claim(owner: string, candidates: LeaseCandidate[], leaseMs: number): Promise<HeldLease[]> {
    if (candidates.length === 0) return [];
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseMs);
    const records = candidates.map((c) => ({
      _id: leaseKey(c.id, c.seq, 0),
      tracking: c.id,
      seq: c.seq,
      attempt: 0,
      owner,
      expiresAt,
      createdAt: now,
    }));
    const taken = await this.insertAll(records);
    const held: HeldLease[] = [];
    const contested: LeaseCandidate[] = [];
    candidates.forEach((c, i) => {
      if (taken.has(i)) contested.push(c);
      else held.push({ id: c.id, seq: c.seq, keys: [records[i]._id], expiresAt });
    });
    for (const candidate of contested) {
      const takeover = await this.takeOverExpired(owner, candidate, now, expiresAt);
      if (takeover) held.push(takeover);
    }
    return held;
  }

  /**
   * Deletes the leases, in one call. For a lease `keepOwn` picks (its sync was stored: see
   * TrackingLease) only the expired leases taken over from are deleted; ours stays until it
   * expires.
   */
  async release(
    leases: HeldLease[],
    keepOwn: (lease: HeldLease) => boolean = () => false,
  ): Promise<void> {
    const keys = leases.flatMap((l) => (keepOwn(l) ? l.keys.slice(1) : l.keys));
    if (keys.length > 0) await this.leases.deleteMany({ _id: { $in: keys } });
  }

  /** Removes leases left by crashed holders long ago (no TTL indexes on FerretDB). */
  async purgeExpired(olderThan: Date): Promise<number> {
    const result = await this.leases.deleteMany({ expiresAt: { $lt: olderThan } });
    return result.deletedCount;
  }

  /**
   * Someone holds (or held) this tracking's sync. If every lease on it has expired, the holder is
   * presumed dead and the next attempt number is claimed, again by an insert, so two instances
   * taking over at once still end with one owner.
   */
  private async takeOverExpired(
    owner: string,
    candidate: LeaseCandidate,
    now: Date,
    expiresAt: Date,
  ): Promise<HeldLease | null> {
    const existing = await this.leases
      .find({ tracking: candidate.id, seq: candidate.seq })
      .lean<TrackingLease[]>();
    if (existing.length === 0) return null; // released meanwhile: the tracking has moved on
    if (existing.some((l) => l.expiresAt.getTime() > now.getTime())) return null;
    const attempt = Math.max(...existing.map((l) => l.attempt)) + 1;
    const record = {
      _id: leaseKey(candidate.id, candidate.seq, attempt),
      tracking: candidate.id,
      seq: candidate.seq,
      attempt,
      owner,
      expiresAt,
      createdAt: now,
    };
    const taken = await this.insertAll([record]);
    if (taken.size > 0) return null;
    return {
      id: candidate.id,
      seq: candidate.seq,
      keys: [record._id, ...existing.map((l) => l._id)],
      expiresAt,
    };
  }

  /** Inserts every record it can; returns the indexes whose key was already taken. */
  private async insertAll(records: Array<TrackingLease>): Promise<Set<number>> {
    try {
      await this.leases.collection.insertMany(records as unknown as mongo.Document[], {
        ordered: false,
      });
      return new Set();
    } catch (error) {
      return duplicateInsertIndexes(error);
    }
  }
}

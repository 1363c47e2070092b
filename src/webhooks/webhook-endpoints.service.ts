import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { isValidObjectId, Model } from 'mongoose';
import type { AllConfig } from '../config/index.js';
import type {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
} from './dto/webhook-endpoint.dto.js';
import {
  LeanWebhookEndpoint,
  WebhookEndpoint,
  type EndpointSecret,
} from './schemas/webhook-endpoint.schema.js';
import { generateWebhookSecret } from './webhook-signer.js';
import { checkWebhookTarget, WebhookTargetRefusedError } from './webhook-target.guard.js';
import { WebhookEndpointNotFoundError, WebhookUrlRefusedError } from './webhooks.errors.js';

/** After a rotation the old secret keeps signing this long. */
export const PREVIOUS_SECRET_VALID_MS = 24 * 60 * 60 * 1000;

export function toEndpointDto(doc: LeanWebhookEndpoint, now = new Date()): WebhookEndpointDto {
  const previous = doc.secrets.find((s) => s.expiresAt && s.expiresAt.getTime() > now.getTime());
  return {
    id: String(doc._id),
    url: doc.url,
    events: doc.events,
    description: doc.description ?? null,
    status: doc.status,
    disabledReason: doc.disabledReason ?? null,
    disabledAt: doc.disabledAt ?? null,
    failingSince: doc.failingSince ?? null,
    lastSuccessAt: doc.lastSuccessAt ?? null,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** The secrets that sign a delivery now: the current one and an unexpired previous one. */
export function signingSecrets(doc: Pick<WebhookEndpoint, 'secrets'>, now = new Date()): string[] {
  return doc.secrets
    .filter((s) => !s.expiresAt || s.expiresAt.getTime() > now.getTime())
    .map((s) => s.secret);
}

/** Owns `webhook_endpoints`: registration, secrets and the endpoint's health. */
@Injectable()
export class WebhookEndpointsService {
  private readonly logger = new Logger(WebhookEndpointsService.name);

  constructor(
    @InjectModel(WebhookEndpoint.name) private readonly endpoints: Model<WebhookEndpoint>,
    private readonly config: ConfigService<AllConfig, true>,
  ) {}

  async create(dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    const url = await this.checkUrl(dto.url);
    const secret = generateWebhookSecret();
    const created = await this.endpoints.create({
      url,
      events: dto.events,
      description: dto.description ?? null,
      status: 'active',
      secrets: [{ secret, createdAt: new Date() }],
    });
    const doc = created.toObject<LeanWebhookEndpoint>();
    return { ...toEndpointDto(doc), secret };
  }

  async list(status?: 'active' | 'disabled'): Promise<WebhookEndpointDto[]> {
    const docs = await this.endpoints
      .find(status ? { status } : {})
      .sort({ createdAt: 1 })
      .lean<LeanWebhookEndpoint[]>();
    return docs.map((d) => toEndpointDto(d));
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    return toEndpointDto(await this.find(id));
  }

  /** The stored endpoint (secrets included), for delivery. @throws WebhookEndpointNotFoundError */
  async find(id: string): Promise<LeanWebhookEndpoint> {
    const doc = isValidObjectId(id)
      ? await this.endpoints.findById(id).lean<LeanWebhookEndpoint>()
      : null;
    if (!doc) throw new WebhookEndpointNotFoundError(id);
    return doc;
  }

  /** Endpoints by id, for a batch of deliveries (unknown ids absent). */
  async findMany(ids: string[]): Promise<Map<string, LeanWebhookEndpoint>> {
    const unique = [...new Set(ids)].filter((id) => isValidObjectId(id));
    if (unique.length === 0) return new Map();
    const docs = await this.endpoints.find({ _id: { $in: unique } }).lean<LeanWebhookEndpoint[]>();
    return new Map(docs.map((d) => [String(d._id), d]));
  }

  /** Active endpoints, for fanning a change out. */
  async findActive(): Promise<LeanWebhookEndpoint[]> {
    return this.endpoints.find({ status: 'active' }).lean<LeanWebhookEndpoint[]>();
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointDto> {
    await this.find(id);
    const set: Record<string, unknown> = {};
    if (dto.url !== undefined) set.url = await this.checkUrl(dto.url);
    if (dto.events !== undefined) set.events = dto.events;
    if (dto.description !== undefined) set.description = dto.description;
    if (dto.enabled === true) {
      Object.assign(set, {
        status: 'active',
        disabledReason: null,
        disabledAt: null,
        failingSince: null,
      });
    } else if (dto.enabled === false) {
      Object.assign(set, { status: 'disabled', disabledReason: 'admin', disabledAt: new Date() });
    }
    return this.save(id, set);
  }

  async disable(id: string): Promise<WebhookEndpointDto> {
    await this.find(id);
    return this.save(id, { status: 'disabled', disabledReason: 'admin', disabledAt: new Date() });
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.endpoints.deleteOne({ _id: id });
  }

  /**
   * A new current secret; the old one keeps signing for 24 h (both signatures are sent), so a
   * receiver can switch without losing deliveries. Older secrets are dropped.
   */
  async rotateSecret(id: string): Promise<WebhookEndpointWithSecretDto> {
    const doc = await this.find(id);
    const now = new Date();
    const current = doc.secrets.find((s) => !s.expiresAt) ?? doc.secrets[0];
    const secret = generateWebhookSecret();
    const secrets: EndpointSecret[] = [
      { secret, createdAt: now },
      ...(current
        ? [{ ...current, expiresAt: new Date(now.getTime() + PREVIOUS_SECRET_VALID_MS) }]
        : []),
    ];
    const updated = await this.save(id, { secrets });
    return { ...updated, secret };
  }

  /**
   * A delivery reached the endpoint: it is healthy again. A healthy endpoint's `lastSuccessAt`
   * is rewritten at most once a second (not once per delivery under load).
   */
  async recordSuccess(endpoint: LeanWebhookEndpoint, at: Date): Promise<void> {
    const last = endpoint.lastSuccessAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    if (!endpoint.failingSince && at.getTime() - last < 1_000) return;
    await this.endpoints.updateOne(
      { _id: endpoint._id },
      { $set: { failingSince: null, lastSuccessAt: at } },
    );
  }

  /**
   * A delivery attempt failed. Remembers since when the endpoint has been failing; past the
   * configured span (5 days) it is disabled and listed as such for the admin.
   * @returns true when this failure disabled the endpoint
   */
  async recordFailure(endpoint: LeanWebhookEndpoint, at: Date): Promise<boolean> {
    const disableAfterMs = this.config.getOrThrow('webhooks.disableAfterMs', { infer: true });
    const since = endpoint.failingSince;
    if (!since) {
      await this.endpoints.updateOne(
        { _id: endpoint._id, failingSince: null },
        { $set: { failingSince: at } },
      );
      return false;
    }
    if (at.getTime() - since.getTime() < disableAfterMs || endpoint.status !== 'active')
      return false;
    await this.endpoints.updateOne(
      { _id: endpoint._id },
      { $set: { status: 'disabled', disabledReason: 'failing', disabledAt: at } },
    );
    this.logger.warn(
      `Webhook endpoint ${String(endpoint._id)} (${endpoint.url}) disabled: failing since ${since.toISOString()}`,
    );
    return true;
  }

  private async save(id: string, set: Record<string, unknown>): Promise<WebhookEndpointDto> {
    const doc = await this.endpoints
      .findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' })
      .lean<LeanWebhookEndpoint>();
    if (!doc) throw new WebhookEndpointNotFoundError(id);
    return toEndpointDto(doc);
  }

  private async checkUrl(raw: string): Promise<string> {
    const allowPrivate = this.config.getOrThrow('webhooks.allowPrivateTargets', { infer: true });
    try {
      return (await checkWebhookTarget(raw.trim(), { allowPrivate })).toString();
    } catch (error) {
      if (error instanceof WebhookTargetRefusedError)
        throw new WebhookUrlRefusedError(error.message);
      throw error;
    }
  }
}

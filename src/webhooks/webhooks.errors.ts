import { DomainError } from '../common/errors/domain-error.js';

export class WebhookEndpointNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'WEBHOOK_ENDPOINT_NOT_FOUND';

  constructor(id: string) {
    super(`No webhook endpoint ${id}`);
  }
}

export class WebhookDeliveryNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'WEBHOOK_DELIVERY_NOT_FOUND';

  constructor(id: string) {
    super(`No webhook delivery ${id}`);
  }
}

/** The URL is malformed or points somewhere webhooks may not go (see webhook-target.guard). */
export class WebhookUrlRefusedError extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'WEBHOOK_URL_REFUSED';

  constructor(reason: string) {
    super(`Webhook url refused: ${reason}`, [{ field: 'url', messages: [reason] }]);
  }
}

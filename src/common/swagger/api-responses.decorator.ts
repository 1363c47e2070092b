import { applyDecorators, SetMetadata, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../http/error-envelope.js';
import { PAGINATED_KEY } from '../pagination/pagination.js';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `error.details` names each bad field',
  401: 'Missing, malformed, badly signed or expired bearer token',
  403: 'Authenticated but not allowed (e.g. a customer on an admin route)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  410: 'No longer available (e.g. an expired link)',
  413: 'Request body too large',
  429: 'Too many requests; see the Retry-After header',
  502: 'The courier answered with an error or an unusable response',
  503: 'A dependency (database or courier) is unavailable',
};

interface EnvelopeOptions {
  status?: number;
  description?: string;
  isArray?: boolean;
}

/** Documents a success response wrapped as `{ success: true, data: <type> }`. */
export function ApiEnvelope(type: Type<unknown> | null, options: EnvelopeOptions = {}) {
  const data =
    type === null
      ? { type: 'object', nullable: true }
      : options.isArray
        ? { type: 'array', items: { $ref: getSchemaPath(type) } }
        : { $ref: getSchemaPath(type) };
  return applyDecorators(
    ...(type ? [ApiExtraModels(type)] : []),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'Success',
      schema: {
        type: 'object',
        required: ['success', 'data'],
        properties: { success: { type: 'boolean', example: true }, data },
      },
    }),
  );
}

/**
 * A list route: the handler returns a Page, sent as
 * `{ success: true, data: [ … ], meta: { page, limit, total, pages } }`, and documented so.
 */
export function ApiPaginatedEnvelope(type: Type<unknown>, description = 'One page of results') {
  return applyDecorators(
    SetMetadata(PAGINATED_KEY, true),
    ApiExtraModels(type),
    ApiResponse({
      status: 200,
      description,
      schema: {
        type: 'object',
        required: ['success', 'data', 'meta'],
        properties: {
          success: { type: 'boolean', example: true },
          data: { type: 'array', items: { $ref: getSchemaPath(type) } },
          meta: {
            type: 'object',
            required: ['page', 'limit', 'total', 'pages'],
            properties: {
              page: { type: 'integer', example: 1 },
              limit: { type: 'integer', example: 20 },
              total: { type: 'integer', example: 42 },
              pages: { type: 'integer', example: 3, description: 'ceil(total / limit)' },
            },
          },
        },
      },
    }),
  );
}

/** Documents error responses, all in the common error envelope. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        schema: { $ref: getSchemaPath(ErrorEnvelopeDto) },
      }),
    ),
  );
}

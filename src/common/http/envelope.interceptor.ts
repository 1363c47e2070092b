import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { type Page, PAGINATED_KEY, type PageMeta, pageMeta } from '../pagination/pagination.js';

/** Nest's marker on `@Sse()` handlers (`SSE_METADATA` in @nestjs/common/constants). */
const SSE_METADATA = '__sse__';

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  meta?: PageMeta;
}

/**
 * Wraps every successful response body as `{ success: true, data }`. A list route (marked by
 * ApiPaginatedEnvelope) returns a Page, sent as `{ success: true, data: [...], meta }`.
 */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor<unknown, SuccessEnvelope<unknown>> {
  constructor(private readonly reflector: Reflector) {}

  intercept(
    context: ExecutionContext,
    next: CallHandler<unknown>,
  ): Observable<SuccessEnvelope<unknown>> {
    // SSE handlers emit MessageEvents, which pass as they are.
    if (this.reflector.get<boolean | undefined>(SSE_METADATA, context.getHandler()) === true) {
      return next.handle() as Observable<SuccessEnvelope<unknown>>;
    }
    const paginated = this.reflector.get<boolean | undefined>(PAGINATED_KEY, context.getHandler());
    return next.handle().pipe(
      map((data) => {
        if (paginated) {
          const page = data as Page<unknown>;
          return { success: true as const, data: page.items, meta: pageMeta(page) };
        }
        return { success: true as const, data: data ?? null };
      }),
    );
  }
}

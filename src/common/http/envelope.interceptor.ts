import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { type Page, PAGINATED_KEY, type PageMeta, pageMeta } from '../pagination/pagination.js';

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

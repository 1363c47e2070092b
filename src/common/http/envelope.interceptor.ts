import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, map } from 'rxjs';

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
}

/** Nest's marker on `@Sse()` handlers (`SSE_METADATA` in @nestjs/common/constants). */
const SSE_METADATA = '__sse__';

/** Wraps every successful response body as `{ success: true, data }`; SSE events pass as is. */
@Injectable()
export class EnvelopeInterceptor<T> implements NestInterceptor<T, SuccessEnvelope<T> | T> {
  intercept(context: ExecutionContext, next: CallHandler<T>): Observable<SuccessEnvelope<T> | T> {
    if (Reflect.getMetadata(SSE_METADATA, context.getHandler()) === true) return next.handle();
    return next
      .handle()
      .pipe(map((data) => ({ success: true as const, data: data ?? (null as T) })));
  }
}

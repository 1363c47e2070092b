import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'docket:public';

/**
 * Opens a route (or a controller) to anonymous callers. Every other route needs a bearer token:
 * the JWT guard is global, so a route nobody marked is private.
 */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

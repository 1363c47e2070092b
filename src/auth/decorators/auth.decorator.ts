import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../../common/swagger/api-responses.decorator.js';
import type { Role } from '../../users/role.enum.js';
import { ROLES_KEY } from '../guards/roles.guard.js';

/**
 * `@Auth()`: any signed-in user. `@Auth(Role.Admin)`: admins only. The guards are global
 * (every route is private unless `@Public()`); this declares the roles and documents the bearer
 * requirement and the 401/403 responses.
 */
export function Auth(...roles: Role[]) {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    roles.length ? ApiErrors(401, 403) : ApiErrors(401),
  );
}

import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../../common/swagger/api-responses.decorator.js';
import type { Role } from '../../users/role.enum.js';
import { JwtAuthGuard } from '../guards/jwt-auth.guard.js';
import { ROLES_KEY, RolesGuard } from '../guards/roles.guard.js';

/**
 * `@Auth()`: any signed-in user. `@Auth(Role.Admin)`: admins only.
 * Applies the guards and documents the bearer requirement and the 401/403 responses.
 */
export function Auth(...roles: Role[]) {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseGuards(JwtAuthGuard, RolesGuard),
    ApiBearerAuth(),
    roles.length ? ApiErrors(401, 403) : ApiErrors(401),
  );
}

import type { Role } from '../users/role.enum.js';

/** The authenticated caller, as attached to the request by the JWT strategy. */
export interface AuthUser {
  id: string;
  email: string;
  role: Role;
}

import type { DatabasePool } from 'slonik';
import { createRegistrationService, type RegistrationService } from './registration.ts';
import { createUserService, type UserService } from './users.ts';

export interface Services {
  users: UserService;
  registration: RegistrationService;
}

export interface ServiceDependencies {
  pool: DatabasePool;
  adminIds: readonly number[];
}

export function createServices(deps: ServiceDependencies): Services {
  return {
    users: createUserService(deps.pool),
    registration: createRegistrationService({ pool: deps.pool, adminIds: deps.adminIds }),
  };
}

import type { DatabasePool } from 'slonik';
import { createAdminService, type AdminService } from './admins.ts';
import { createApprovalService, type ApprovalService } from './approvals.ts';
import { createKycService, type KycService } from './kyc.ts';
import { createMediaStore, type MediaStore } from './mediaStore.ts';
import { createRegistrationService, type RegistrationService } from './registration.ts';
import { createSettingsService, type SettingsService } from './settings.ts';
import { createUserService, type UserService } from './users.ts';

export interface Services {
  users: UserService;
  registration: RegistrationService;
  admins: AdminService;
  approvals: ApprovalService;
  kyc: KycService;
  settings: SettingsService;
  media: MediaStore;
}

export interface ServiceDependencies {
  pool: DatabasePool;
  adminIds: readonly number[];
  dataDir: string;
}

export function createServices(deps: ServiceDependencies): Services {
  const { pool, adminIds } = deps;
  const admins = createAdminService({ pool, adminIds });
  const media = createMediaStore({ dataDir: deps.dataDir });
  const kyc = createKycService({ pool, media });
  return {
    users: createUserService(pool),
    registration: createRegistrationService({ pool, adminIds }),
    admins,
    approvals: createApprovalService({ pool, admins, kinds: [kyc.approvalKind] }),
    kyc,
    settings: createSettingsService({ pool, admins }),
    media,
  };
}

import type { DatabasePool } from 'slonik';
import { findUserByTelegramId, setAdminRoles } from '../../db/users.ts';

/** Who made an admin decision, as recorded in the audit trail. */
export interface AdminActor {
  telegramId: number;
  userId: number | null;
  name: string;
}

export interface TelegramIdentity {
  id: number;
  first_name: string;
  last_name?: string;
}

export interface AdminService {
  /** The admin behind a Telegram user, or null when they are not one (ADMIN_IDS or users.role 'admin'). */
  actorFor(from: TelegramIdentity): Promise<AdminActor | null>;
  /**
   * Makes users.role follow ADMIN_IDS, at start: the ids in it are admins, and an id taken out of it loses the
   * role. The Telegram ids whose role changed.
   */
  applyAdminIds(): Promise<{ granted: number[]; revoked: number[] }>;
}

export function createAdminService(deps: { pool: DatabasePool; adminIds: readonly number[] }): AdminService {
  return {
    async actorFor(from) {
      const user = await findUserByTelegramId(deps.pool, from.id);
      const isAdmin = deps.adminIds.includes(from.id) || (user?.role === 'admin' && user.is_active);
      if (!isAdmin) return null;
      const name = user?.first_name ? [user.first_name, user.last_name].filter(Boolean).join(' ') : [from.first_name, from.last_name].filter(Boolean).join(' ');
      return { telegramId: from.id, userId: user?.id ?? null, name };
    },
    async applyAdminIds() {
      const changes = await setAdminRoles(deps.pool, deps.adminIds);
      const changed = (role: string) => changes.filter((change) => change.role === role).map((change) => change.telegram_id);
      return { granted: changed('admin'), revoked: changed('user') };
    },
  };
}

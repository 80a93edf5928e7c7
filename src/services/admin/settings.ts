import type { DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { readSettings, updateSettings, type SettingsRow } from '../../db/settings.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import { SETTING_FIELDS, type SettingField } from './settingFields.ts';

export type { SettingField, SettingsRow };

export interface SettingsService {
  fields(): readonly SettingField[];
  current(): Promise<SettingsRow>;
  /** Validates and saves one setting for an admin, with an audit entry of the old and new value. */
  update(fieldKey: string, text: string, from: TelegramIdentity): Promise<Checked<SettingsRow>>;
}

export function createSettingsService(deps: { pool: DatabasePool; admins: AdminService; fields?: readonly SettingField[] }): SettingsService {
  const fields = deps.fields ?? SETTING_FIELDS;
  return {
    fields: () => fields,
    current: () => readSettings(deps.pool),
    async update(fieldKey, text, from) {
      const field = fields.find((candidate) => candidate.key === fieldKey);
      if (!field) return invalid(`There is no setting called ${fieldKey}.`);
      const parsed = field.parse(text);
      if (!parsed.ok) return parsed;
      const admin = await deps.admins.actorFor(from);
      if (!admin) return invalid('Only admins can change settings.');
      return deps.pool.transaction(async (tx) => {
        const before = await readSettings(tx, { forUpdate: true });
        const merged = { ...before, ...parsed.value };
        const broken = fields.map((candidate) => candidate.check?.(merged) ?? null).find((problem) => problem !== null);
        if (broken) return invalid(broken);
        await updateSettings(tx, before.id, parsed.value);
        const after = await readSettings(tx);
        await insertAuditEntry(tx, {
          subjectKind: 'settings',
          subjectId: before.id,
          action: 'update',
          admin,
          details: { field: field.key, from: field.format(before), to: field.format(after) },
        });
        return valid(after);
      });
    },
  };
}

import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

export interface AuditEntry {
  subjectKind: string;
  subjectId: number | null;
  action: string;
  admin: { telegramId: number; userId: number | null; name: string };
  reason?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

const auditRowSchema = z.object({
  action: z.string(),
  admin_name: z.string(),
  reason: z.string().nullable(),
  created_at: z.date(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

/**
 * Writes the entry, and `alongside` (other writes, e.g. the notification of a decision and its card's refresh) in
 * the same statement; returns the entry as a card shows it (who, when, why), so a decision need not read it back.
 */
export async function insertAuditEntry(db: CommonQueryMethods, entry: AuditEntry, alongside: readonly FragmentSqlToken[] = []): Promise<AuditRow> {
  const writes = alongside.map((write, index) => sql.fragment`${sql.identifier([`alongside_${index}`])} AS (${write})`);
  return db.one(sql.type(auditRowSchema)`
    ${writes.length > 0 ? sql.fragment`WITH ${sql.join(writes, sql.fragment`, `)}` : sql.fragment``}
    INSERT INTO admin_audit_log (subject_kind, subject_id, action, admin_telegram_id, admin_user_id, admin_name, reason, details)
    VALUES (${entry.subjectKind}, ${entry.subjectId}, ${entry.action}, ${entry.admin.telegramId}, ${entry.admin.userId},
            ${entry.admin.name}, ${entry.reason ?? null}, ${sql.jsonb(entry.details ?? {})})
    RETURNING action, admin_name, reason, created_at
  `);
}

/** The newest audit entry of a subject among the given actions. */
export async function latestAuditEntry(
  db: CommonQueryMethods,
  subjectKind: string,
  subjectId: number,
  actions: readonly string[],
): Promise<AuditRow | null> {
  return db.maybeOne(sql.type(auditRowSchema)`
    SELECT action, admin_name, reason, created_at FROM admin_audit_log
     WHERE subject_kind = ${subjectKind} AND subject_id = ${subjectId} AND action = ANY(${sql.array(actions, 'text')})
     ORDER BY created_at DESC, id DESC LIMIT 1
  `);
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** Advisory lock class of one request's approvals (the market uses 20, jobs and updates 21, the card queue 30). */
const SIGNOFF_LOCK_CLASS = 31;

const signoffRow = z.object({ admin_telegram_id: z.number(), admin_name: z.string() });
export type SignoffRow = z.infer<typeof signoffRow>;

/**
 * Makes the approvals of one request wait for each other until the end of the transaction, so two admins approving at
 * once are counted one after the other (the second sees the first and applies the decision).
 */
export async function lockRequestSignoffs(tx: CommonQueryMethods, kind: string, id: number): Promise<void> {
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(${SIGNOFF_LOCK_CLASS}, hashtext(${kind}::text || ':' || ${id}::text))`);
}

/** Records an admin's approval of a request; false when they had approved it already (the same admin counts once). */
export async function insertSignoff(db: CommonQueryMethods, kind: string, id: number, admin: { telegramId: number; name: string }, at: Date): Promise<boolean> {
  const result = await db.query(sql.unsafe`
    INSERT INTO approval_signoffs (request_kind, request_id, admin_telegram_id, admin_name, signed_at)
    VALUES (${kind}, ${id}, ${admin.telegramId}, ${admin.name}, ${at.toISOString()})
    ON CONFLICT DO NOTHING
  `);
  return result.rowCount > 0;
}

/** Forgets a request's approvals (it was declined and is re-opened: it is approved afresh); the audit log keeps them. */
export async function deleteSignoffs(tx: CommonQueryMethods, kind: string, id: number): Promise<void> {
  await tx.query(sql.unsafe`DELETE FROM approval_signoffs WHERE request_kind = ${kind} AND request_id = ${id}`);
}

/** The admins who approved a request, first first. */
export async function listSignoffs(db: CommonQueryMethods, kind: string, id: number): Promise<readonly SignoffRow[]> {
  return db.any(sql.type(signoffRow)`
    SELECT admin_telegram_id, admin_name FROM approval_signoffs WHERE request_kind = ${kind} AND request_id = ${id} ORDER BY id
  `);
}

const approvalsSoFarRow = z.object({ threshold: z.string(), admin_names: z.array(z.string()) });

/** The second-approval threshold (GHS, '0.00' = off) and who has approved the request so far, first first, in one statement. */
export async function readApprovalsSoFar(db: CommonQueryMethods, kind: string, id: number): Promise<{ threshold: string; by: readonly string[] }> {
  const row = await db.one(sql.type(approvalsSoFarRow)`
    SELECT (SELECT second_approval_above_ghs FROM settings ORDER BY id LIMIT 1) AS threshold,
           coalesce((SELECT array_agg(admin_name ORDER BY id) FROM approval_signoffs WHERE request_kind = ${kind} AND request_id = ${id}), '{}') AS admin_names
  `);
  return { threshold: row.threshold, by: row.admin_names };
}

import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { idRow } from './commonRows.ts';

/** The admin who holds a claim, as the claim columns record them. */
export interface ClaimHolder {
  telegramId: number;
  name: string;
}

const claimReminderRow = z.object({ id: z.number(), claimed_by_telegram_id: z.number(), claimed_by_name: z.string(), claimed_at: z.date() });
export type ClaimReminderRow = z.infer<typeof claimReminderRow>;
const takenFromRow = z.object({ taken_from: z.string() });

/**
 * The claim statements of a payout table (a request table with `status`, `claimed_by_telegram_id`, `claimed_by_name`,
 * `claimed_at` and `claim_reminded_at`, as migration 081 gives cash_withdrawals). Each is one guarded UPDATE of the
 * request's row, so a claim, a release, a take-over and the decisions (guarded on the claim too) happen one after
 * the other, whoever taps first, on any instance.
 */
export interface PayoutClaimStatements {
  /**
   * Claims a pending, unclaimed request for `admin`, once it has at least `signoffs` approvals (approval_signoffs of
   * `kind`); false when it is decided, claimed or short of approvals.
   */
  claim(db: CommonQueryMethods, kind: string, id: number, admin: ClaimHolder, at: Date, signoffs: number): Promise<boolean>;
  /** Gives up `holder`'s claim of a pending request; false when they do not hold it. */
  release(db: CommonQueryMethods, id: number, holder: number): Promise<boolean>;
  /** Moves the claim of a pending request from the admin `from` to `admin`; the name it was taken from, or null when `from` does not hold it. */
  takeOver(db: CommonQueryMethods, id: number, admin: ClaimHolder, from: number, at: Date): Promise<string | null>;
  /**
   * Marks as reminded, and returns, the pending claims made before `claimedBefore` whose holder was not reminded since
   * `remindedBefore` (one reminder per claim and period, whichever instance runs the job).
   */
  claimDueReminders(db: CommonQueryMethods, claimedBefore: Date, remindedBefore: Date, at: Date): Promise<readonly ClaimReminderRow[]>;
  /** A reminder marked at `at` could not be sent: the next run sends it. */
  forgetReminder(db: CommonQueryMethods, id: number, at: Date): Promise<void>;
}

export function payoutClaimStatements(table: string): PayoutClaimStatements {
  const target = sql.identifier([table]);
  return {
    async claim(db, kind, id, admin, at, signoffs) {
      const row = await db.maybeOne(sql.type(idRow)`
        UPDATE ${target}
           SET claimed_by_telegram_id = ${admin.telegramId}, claimed_by_name = ${admin.name}, claimed_at = ${at.toISOString()}, claim_reminded_at = NULL
         WHERE id = ${id} AND status = 'pending' AND claimed_by_telegram_id IS NULL
           AND (SELECT count(*) FROM approval_signoffs WHERE request_kind = ${kind} AND request_id = ${id}) >= ${signoffs}
        RETURNING id
      `);
      return row !== null;
    },
    async release(db, id, holder) {
      const row = await db.maybeOne(sql.type(idRow)`
        UPDATE ${target} SET claimed_by_telegram_id = NULL, claimed_by_name = NULL, claimed_at = NULL, claim_reminded_at = NULL
         WHERE id = ${id} AND status = 'pending' AND claimed_by_telegram_id = ${holder}
        RETURNING id
      `);
      return row !== null;
    },
    async takeOver(db, id, admin, from, at) {
      // The holder's name is read under the row's lock, so it is the claim the UPDATE then takes.
      const row = await db.maybeOne(sql.type(takenFromRow)`
        WITH held AS (
          SELECT id, claimed_by_name FROM ${target} WHERE id = ${id} AND status = 'pending' AND claimed_by_telegram_id = ${from} FOR UPDATE
        )
        UPDATE ${target} request
           SET claimed_by_telegram_id = ${admin.telegramId}, claimed_by_name = ${admin.name}, claimed_at = ${at.toISOString()}, claim_reminded_at = NULL
          FROM held
         WHERE request.id = held.id
        RETURNING held.claimed_by_name AS taken_from
      `);
      return row?.taken_from ?? null;
    },
    claimDueReminders: (db, claimedBefore, remindedBefore, at) =>
      db.any(sql.type(claimReminderRow)`
        UPDATE ${target} SET claim_reminded_at = ${at.toISOString()}
         WHERE status = 'pending' AND claimed_at IS NOT NULL AND claimed_at <= ${claimedBefore.toISOString()}
           AND (claim_reminded_at IS NULL OR claim_reminded_at <= ${remindedBefore.toISOString()})
        RETURNING id, claimed_by_telegram_id, claimed_by_name, claimed_at
      `),
    async forgetReminder(db, id, at) {
      await db.query(sql.unsafe`UPDATE ${target} SET claim_reminded_at = NULL WHERE id = ${id} AND claim_reminded_at = ${at.toISOString()}`);
    },
  };
}

import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { countRow } from './commonRows.ts';

/**
 * Buys and deposits are the requests the user pays for outside the bot (momo, bank): stored when they are shown
 * where to pay, reported paid later. These statements treat both tables alike.
 */
export type PaymentKind = 'buy' | 'deposit';

const TABLES: Record<PaymentKind, { rows: FragmentSqlToken; cedis: FragmentSqlToken; crypto: FragmentSqlToken; only: FragmentSqlToken }> = {
  deposit: { rows: sql.fragment`cash_deposits`, cedis: sql.fragment`amount`, crypto: sql.fragment`NULL::numeric`, only: sql.fragment`TRUE` },
  buy: { rows: sql.fragment`crypto_transactions`, cedis: sql.fragment`cedis_amount`, crypto: sql.fragment`crypto_amount`, only: sql.fragment`type = 'buy'` },
};

const paymentRequestSchema = z.object({
  kind: z.enum(['buy', 'deposit']),
  id: z.number(),
  user_id: z.number(),
  reference: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  cedis_amount: z.string(),
  crypto_amount: z.string().nullable(),
  created_at: z.date(),
  reported_paid_at: z.date().nullable(),
});
export type PaymentRequestRow = z.infer<typeof paymentRequestSchema>;

function columns(kind: PaymentKind): FragmentSqlToken {
  const table = TABLES[kind];
  return sql.fragment`${kind}::text AS kind, id, user_id, reference, status, ${table.cedis} AS cedis_amount, ${table.crypto} AS crypto_amount, created_at, reported_paid_at`;
}

function fromBoth(where: (kind: PaymentKind) => FragmentSqlToken): FragmentSqlToken {
  const parts = (['deposit', 'buy'] as const).map((kind) => sql.fragment`SELECT ${columns(kind)} FROM ${TABLES[kind].rows} WHERE ${TABLES[kind].only} AND ${where(kind)}`);
  return sql.fragment`${sql.join(parts, sql.fragment` UNION ALL `)}`;
}

/** The buy or deposit with this reference (references are unique across kinds by their prefix). */
export async function findPaymentRequestByReference(db: CommonQueryMethods, reference: string): Promise<PaymentRequestRow | null> {
  return db.maybeOne(sql.type(paymentRequestSchema)`${fromBoth(() => sql.fragment`reference = ${reference}`)}`);
}

export async function findPaymentRequest(db: CommonQueryMethods, kind: PaymentKind, id: number): Promise<PaymentRequestRow | null> {
  return db.maybeOne(sql.type(paymentRequestSchema)`SELECT ${columns(kind)} FROM ${TABLES[kind].rows} WHERE id = ${id} AND ${TABLES[kind].only}`);
}

const awaiting = sql.fragment`status = 'pending' AND reported_paid_at IS NULL`;

/** A user's requests awaiting their payment, newest first. */
export async function listAwaitingPayment(db: CommonQueryMethods, userId: number): Promise<readonly PaymentRequestRow[]> {
  return db.any(sql.type(paymentRequestSchema)`${fromBoth(() => sql.fragment`user_id = ${userId} AND ${awaiting}`)} ORDER BY created_at DESC, id DESC`);
}

/** How many requests of every user await their payment (the admins' queue counts them, never lists them). */
export async function countAwaitingPayment(db: CommonQueryMethods): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM (${fromBoth(() => awaiting)}) requests`);
}

/**
 * The user says they paid: one guarded update of a request of theirs still awaiting payment, keeping the screenshot
 * if one came. Null when it is not (any more): reported already, decided, expired, or not theirs.
 */
export async function markPaymentReported(
  db: CommonQueryMethods,
  request: { kind: PaymentKind; id: number; userId: number; at: Date; proof: string | null },
): Promise<PaymentRequestRow | null> {
  const table = TABLES[request.kind];
  return db.maybeOne(sql.type(paymentRequestSchema)`
    UPDATE ${table.rows} SET reported_paid_at = ${request.at.toISOString()}, payment_proof = ${request.proof}
     WHERE id = ${request.id} AND user_id = ${request.userId} AND ${table.only} AND ${awaiting}
    RETURNING ${columns(request.kind)}
  `);
}

/**
 * Closes the requests of one kind that awaited payment since before `cutoff` (declined, with the reason), in one
 * guarded update: a report that committed first keeps its request.
 */
export async function expireAwaitingPayment(
  db: CommonQueryMethods,
  kind: PaymentKind,
  expiry: { cutoff: Date; at: Date; reason: string },
): Promise<readonly PaymentRequestRow[]> {
  const table = TABLES[kind];
  return db.any(sql.type(paymentRequestSchema)`
    UPDATE ${table.rows} SET status = 'declined', decline_reason = ${expiry.reason}, decided_at = ${expiry.at.toISOString()}
     WHERE ${table.only} AND ${awaiting} AND created_at <= ${expiry.cutoff.toISOString()}
    RETURNING ${columns(kind)}
  `);
}

/**
 * The one way back from a decline (or an expiry): the same row is pending again, reported paid (an admin re-opens
 * it because the money came; the first report's time is kept). Guarded: null unless it was declined.
 */
export async function reopenDeclined(db: CommonQueryMethods, kind: PaymentKind, id: number, at: Date): Promise<PaymentRequestRow | null> {
  const table = TABLES[kind];
  const overdueFlag = kind === 'buy' ? sql.fragment`, overdue_flagged_at = NULL` : sql.fragment``;
  return db.maybeOne(sql.type(paymentRequestSchema)`
    UPDATE ${table.rows}
       SET status = 'pending', decline_reason = NULL, decided_at = NULL, reported_paid_at = coalesce(reported_paid_at, ${at.toISOString()}) ${overdueFlag}
     WHERE id = ${id} AND ${table.only} AND status = 'declined'
    RETURNING ${columns(kind)}
  `);
}

/**
 * Marks the buys reported paid before `cutoff`, still unconfirmed and not flagged yet, as flagged to the admins (one
 * statement, so one instance flags each once); returns their ids.
 */
export async function flagOverdueBuys(db: CommonQueryMethods, cutoff: Date, at: Date): Promise<readonly number[]> {
  return db.anyFirst(sql.type(z.object({ id: z.number() }))`
    UPDATE crypto_transactions SET overdue_flagged_at = ${at.toISOString()}
     WHERE type = 'buy' AND status = 'pending' AND reported_paid_at <= ${cutoff.toISOString()} AND overdue_flagged_at IS NULL
    RETURNING id
  `);
}

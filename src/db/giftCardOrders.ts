import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import type { HistorySource } from './readModels/userHistory.ts';
import { columnsOf, countRow, idRow } from './commonRows.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';
import { requestWithRequester, type RequesterRow } from './requesters.ts';

export const GIFT_CARD_ORDER_STATUSES = ['pending', 'approved', 'declined', 'completed'] as const;
export type GiftCardOrderStatus = (typeof GIFT_CARD_ORDER_STATUSES)[number];

/** An order with the name, brand and currency of its card (as the card is named now). */
export const giftCardOrderSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  card_id: z.number(),
  card_name: z.string(),
  card_brand: z.string(),
  amount: z.string(),
  currency: z.string(),
  rate_buy: z.string(),
  payout_ghs: z.string(),
  reference: z.string(),
  status: z.enum(GIFT_CARD_ORDER_STATUSES),
  proof_image: z.string(),
  more_proof_images: z.array(z.string()),
  card_code: z.instanceof(Buffer).nullable(),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  decided_at: z.date().nullable(),
  completed_at: z.date().nullable(),
});
export type GiftCardOrderRow = z.infer<typeof giftCardOrderSchema>;

const withCard = sql.fragment`
  SELECT ${columnsOf(giftCardOrderSchema.omit({ card_name: true, card_brand: true }), 'o')}, c.name AS card_name, c.brand AS card_brand FROM gift_card_orders o JOIN gift_cards c ON c.id = o.card_id
`;

export interface NewGiftCardOrder {
  userId: number;
  cardId: number;
  amount: string;
  currency: string;
  rateBuy: string;
  payoutGhs: string;
  reference: string;
  proofImages: readonly [string, ...string[]];
  sealedCode: Buffer | null;
  createdAt: Date;
}

/** The new order's id, or null when an order with this reference exists already. */
export async function insertGiftCardOrder(db: CommonQueryMethods, order: NewGiftCardOrder): Promise<number | null> {
  const [first, ...more] = order.proofImages;
  const at = order.createdAt.toISOString();
  return db.maybeOneFirst(sql.type(idRow)`
    INSERT INTO gift_card_orders (
      user_id, card_id, amount, currency, rate_buy, payout_ghs, reference, status, proof_image, more_proof_images, card_code,
      created_at, updated_at
    ) VALUES (
      ${order.userId}, ${order.cardId}, ${order.amount}, ${order.currency}, ${order.rateBuy}, ${order.payoutGhs}, ${order.reference},
      'pending', ${first}, ${sql.array(more, 'varchar')}, ${order.sealedCode ? sql.binary(order.sealedCode) : null}, ${at}, ${at}
    )
    ON CONFLICT (reference) DO NOTHING
    RETURNING id
  `);
}

export async function findGiftCardOrder(db: CommonQueryMethods, id: number): Promise<GiftCardOrderRow | null> {
  return db.maybeOne(sql.type(giftCardOrderSchema)`${withCard} WHERE o.id = ${id}`);
}

const giftCardOrderWithRequester = requestWithRequester(giftCardOrderSchema);

/** An order and who made it (its admin card), in one statement. */
export function findGiftCardOrderWithRequester(db: CommonQueryMethods, id: number): Promise<{ row: GiftCardOrderRow; requester: RequesterRow } | null> {
  return giftCardOrderWithRequester(db, sql.fragment`${withCard} WHERE o.id = ${id}`);
}

export async function findGiftCardOrderByReference(db: CommonQueryMethods, reference: string): Promise<GiftCardOrderRow | null> {
  return db.maybeOne(sql.type(giftCardOrderSchema)`${withCard} WHERE o.reference = ${reference}`);
}

export const waitingGiftCardOrders: WaitingSource = sql.fragment`SELECT id, created_at AS submitted_at FROM gift_card_orders WHERE status = 'pending'`;

/** The orders among `ids` that are still pending, oldest first (a prepared statement: the admins' queue lists them often). */
export async function listPendingGiftCardOrders(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly GiftCardOrderRow[]> {
  return db.any(sql.prepared('pending_gift_card_orders', giftCardOrderSchema)`${withCard} WHERE o.status = 'pending' AND o.id = ANY(${sql.array(ids, 'int8')}) ORDER BY o.created_at, o.id`);
}

export async function countUserGiftCardOrders(db: CommonQueryMethods, userId: number): Promise<number> {
  return db.oneFirst(sql.type(countRow)`SELECT count(*)::int AS count FROM gift_card_orders WHERE user_id = ${userId}`);
}

/** A page of a user's orders, newest first. */
export async function userGiftCardOrders(
  db: CommonQueryMethods,
  userId: number,
  page: { limit: number; offset: number },
): Promise<readonly GiftCardOrderRow[]> {
  return db.any(sql.type(giftCardOrderSchema)`
    ${withCard} WHERE o.user_id = ${userId} ORDER BY o.created_at DESC, o.id DESC LIMIT ${page.limit} OFFSET ${page.offset}
  `);
}

export interface GiftCardOrderTransition {
  from: GiftCardOrderStatus;
  to: GiftCardOrderStatus;
  at: Date;
  declineReason?: string;
}

/**
 * The guarded step of an order (pending → approved | declined, approved → completed): true when this call made
 * it, false when the order was no longer in `from` (someone decided first). Runs in the transaction of its effect.
 */
export async function transitionGiftCardOrder(db: CommonQueryMethods, id: number, step: GiftCardOrderTransition): Promise<boolean> {
  const at = step.at.toISOString();
  const decided = step.to === 'approved' || step.to === 'declined';
  const result = await db.query(sql.unsafe`
    UPDATE gift_card_orders
       SET status = ${step.to}, updated_at = ${at},
           decline_reason = ${step.declineReason ?? null},
           decided_at = ${decided ? at : sql.fragment`decided_at`},
           completed_at = ${step.to === 'completed' ? at : null}
     WHERE id = ${id} AND status = ${step.from}
  `);
  return result.rowCount === 1;
}

/** In /history the amount is the payout in cedis. */
export const giftCardOrderHistory: HistorySource = (userId) => sql.fragment`
  SELECT 'gift_card' AS kind, id, reference, status, payout_ghs AS cedis_amount, NULL::numeric AS crypto_amount, created_at
    FROM gift_card_orders WHERE user_id = ${userId}
`;

import {
  findGiftCardOrder,
  findGiftCardOrderWithRequester,
  listPendingGiftCardOrders,
  transitionGiftCardOrder,
  waitingGiftCardOrders,
  type GiftCardOrderRow,
  type GiftCardOrderTransition,
} from '../../db/giftCardOrders.ts';
import type { DatabaseTransactionConnection } from 'slonik';
import type { ApprovalKind } from '../approvals/approvalKind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Sealer } from '../platform/sealing.ts';
import { moveFunds } from '../wallet/ledger.ts';
import { giftCardNotices } from './notices.ts';
import { GIFT_CARD_KIND } from './rules.ts';

/** What the admin card of a trade-in shows: the order as quoted, and its e-code opened (only here). */
export type GiftCardFacts = Omit<GiftCardOrderRow, 'card_code'> & {
  code: string | null;
  /** A code was stored but cannot be opened (STATE_SECRET changed). */
  codeUnreadable: boolean;
};

function openCode(codes: Sealer, sealed: Buffer | null): { code: string | null; codeUnreadable: boolean } {
  if (!sealed) return { code: null, codeUnreadable: false };
  try {
    return { code: codes.open(sealed), codeUnreadable: false };
  } catch {
    return { code: null, codeUnreadable: true };
  }
}

/**
 * Gift card trade-ins: an admin checks the card (photos, code); approval credits the payout to the user's
 * cedis, a decline credits nothing; "Mark completed" later closes an approved order.
 */
export function createGiftCardKind(deps: { clock: Clock; codes: Sealer }): ApprovalKind<GiftCardFacts> {
  const { clock, codes } = deps;

  /** The guarded step, then the order as it is now (for its effect and notice); null when someone was first. */
  async function step(tx: DatabaseTransactionConnection, id: number, transition: Omit<GiftCardOrderTransition, 'at'>): Promise<GiftCardOrderRow | null> {
    if (!(await transitionGiftCardOrder(tx, id, { ...transition, at: clock() }))) return null;
    return findGiftCardOrder(tx, id);
  }

  return {
    kind: GIFT_CARD_KIND,
    canStartReview: false,

    async load(db, id) {
      const found = await findGiftCardOrderWithRequester(db, id);
      if (!found) return null;
      const { row: order, requester } = found;
      const { card_code: sealed, ...details } = order;
      return {
        kind: GIFT_CARD_KIND,
        id,
        status: order.status,
        submittedAt: order.created_at,
        requester,
        photos: [order.proof_image, ...order.more_proof_images],
        details: { ...details, ...openCode(codes, sealed) },
      };
    },

    ownerId: async (db, id) => (await findGiftCardOrder(db, id))?.user_id ?? null,

    waiting: waitingGiftCardOrders,
    listPending: async (db, ids) =>
      (await listPendingGiftCardOrders(db, ids)).map(({ card_code: _sealed, ...order }) => ({
        kind: GIFT_CARD_KIND,
        id: order.id,
        submittedAt: order.created_at,
        details: { ...order, code: null, codeUnreadable: false },
      })),

    valueGhs: (order) => order.payout_ghs,

    async approve(tx, id) {
      const order = await step(tx, id, { from: 'pending', to: 'approved' });
      if (!order) return null;
      const credited = await moveFunds(tx, {
        userId: order.user_id,
        changes: { cedis_available: order.payout_ghs },
        reason: 'gift_card_approved',
        reference: { kind: GIFT_CARD_KIND, id },
      });
      if (!credited) throw new Error(`gift card order ${id}: the user's wallet is missing`);
      return { userId: order.user_id, notice: giftCardNotices.approved(order) };
    },

    async decline(tx, id, _admin, reason) {
      const order = await step(tx, id, { from: 'pending', to: 'declined', declineReason: reason });
      if (!order) return null;
      return { userId: order.user_id, notice: giftCardNotices.declined(order, reason) };
    },

    followUp: {
      action: 'complete',
      async apply(tx, id) {
        const order = await step(tx, id, { from: 'approved', to: 'completed' });
        if (!order) return null;
        return { userId: order.user_id, notice: giftCardNotices.completed(order) };
      },
    },
  };
}

import type { DatabasePool } from 'slonik';
import { findGiftCard, type GiftCardRow } from '../../db/giftCards.ts';
import {
  countUserGiftCardOrders,
  findGiftCardOrderByReference,
  insertGiftCardOrder,
  userGiftCardOrders,
  type GiftCardOrderRow,
} from '../../db/giftCardOrders.ts';
import { readSettings, type SettingsRow } from '../../db/settings.ts';
import type { MoneyAccess, MoneyRefusal } from '../accounts/moneyAccess.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { clampPage } from '../common/paging.ts';
import type { Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import type { Sealer } from '../platform/sealing.ts';
import { checkFaceValue, GIFT_CARD_KIND, MAX_PROOFS, payoutFor } from './rules.ts';

/** A card as users see it in a conversation: plain values only (conversations store them). */
export interface CardOffer {
  id: number;
  name: string;
  brand: string;
  currency: string;
  rateBuy: string;
  image: string | null;
}

/** An order without its sealed code: what the user's own lists show. */
export type GiftCardOrderSummary = Omit<GiftCardOrderRow, 'card_code'>;

export interface TradeInRequest {
  userId: number;
  cardId: number;
  faceValue: string;
  /** The rate the user saw on the summary: the order is created only at this rate. */
  quotedRate: string;
  code: string | null;
  proofs: readonly Buffer[];
  reference: string;
}

export type TradeInResult =
  | { status: 'created'; id: number; reference: string; payoutGhs: string }
  | { status: 'refused'; refusal: MoneyRefusal }
  | { status: 'card_unavailable' }
  /** The card's rate changed since the summary: nothing was created; the user may confirm the new payout. */
  | { status: 'rate_changed'; rateBuy: string; payoutGhs: string }
  | { status: 'invalid'; reason: string }
  | { status: 'invalid_image'; reason: string };

export const ORDERS_PAGE_SIZE = 5;

export interface GiftCardOrderService {
  /** The card when users may choose it (active), else null. */
  offer(cardId: number): Promise<CardOffer | null>;
  /** A face value as typed, within the limits in settings. */
  checkFaceValue(text: string, currency: string): Promise<Checked<string>>;
  /**
   * Stores the proofs and creates the pending order, re-checking in its transaction the user, the card, the rate
   * and the limits. A repeat with the same reference returns the order made first.
   */
  create(request: TradeInRequest): Promise<TradeInResult>;
  /** A page of the user's orders, newest first; a page out of range is brought into range. */
  page(userId: number, page: number): Promise<{ rows: readonly GiftCardOrderSummary[]; page: number; pages: number }>;
}

export function toOffer(card: GiftCardRow): CardOffer {
  return { id: card.id, name: card.name, brand: card.brand, currency: card.currency, rateBuy: card.rate_buy, image: card.image };
}

function faceValueLimits(settings: SettingsRow): { min: string; max: string } {
  return { min: String(settings['gift_card_min_face_value']), max: String(settings['gift_card_max_face_value']) };
}

function summary({ card_code: _sealed, ...order }: GiftCardOrderRow): GiftCardOrderSummary {
  return order;
}

export function createGiftCardOrderService(deps: { pool: DatabasePool; access: MoneyAccess; media: MediaStore; codes: Sealer; clock: Clock }): GiftCardOrderService {
  const { pool, access, media, codes, clock } = deps;

  /** The order already made with this reference, for the same user. */
  async function existing(request: TradeInRequest): Promise<TradeInResult | null> {
    const order = await findGiftCardOrderByReference(pool, request.reference);
    if (!order) return null;
    if (order.user_id !== request.userId) throw new Error(`gift card reference ${request.reference} belongs to another user`);
    return { status: 'created', id: order.id, reference: order.reference, payoutGhs: order.payout_ghs };
  }

  async function storeProofs(proofs: readonly Buffer[]): Promise<Checked<string[]>> {
    const paths: string[] = [];
    for (const proof of proofs) {
      const stored = await media.storeImage(proof, 'proofs');
      if (!stored.ok) {
        await Promise.all(paths.map((path) => media.remove(path)));
        return stored;
      }
      paths.push(stored.value.path);
    }
    return { ok: true, value: paths };
  }

  type Inserted = TradeInResult | { status: 'duplicate_reference' };

  async function insert(request: TradeInRequest, paths: readonly [string, ...string[]]): Promise<Inserted> {
    return pool.transaction(async (tx): Promise<Inserted> => {
      const refusal = await access.refusal(request.userId, tx);
      if (refusal) return { status: 'refused', refusal };
      // Shared lock: a rate change waits until this order is in, so the order has the rate it was checked at.
      const card = await findGiftCard(tx, request.cardId, { lock: 'share' });
      if (!card?.is_active) return { status: 'card_unavailable' };
      if (card.rate_buy !== request.quotedRate) return { status: 'rate_changed', rateBuy: card.rate_buy, payoutGhs: payoutFor(request.faceValue, card.rate_buy) };
      const faceValue = checkFaceValue(request.faceValue, card.currency, faceValueLimits(await readSettings(tx)));
      if (!faceValue.ok) return { status: 'invalid', reason: faceValue.reason };
      const payoutGhs = payoutFor(faceValue.value, card.rate_buy);
      const id = await insertGiftCardOrder(tx, {
        userId: request.userId,
        cardId: card.id,
        amount: faceValue.value,
        currency: card.currency,
        rateBuy: card.rate_buy,
        payoutGhs,
        reference: request.reference,
        proofImages: paths,
        sealedCode: request.code === null ? null : codes.seal(request.code),
        createdAt: clock(),
      });
      if (id === null) return { status: 'duplicate_reference' };
      await queueCardPost(tx, GIFT_CARD_KIND, id);
      return { status: 'created', id, reference: request.reference, payoutGhs };
    });
  }

  return {
    async offer(cardId) {
      const card = await findGiftCard(pool, cardId);
      return card?.is_active ? toOffer(card) : null;
    },

    async checkFaceValue(text, currency) {
      return checkFaceValue(text, currency, faceValueLimits(await readSettings(pool)));
    },

    async create(request) {
      const made = await existing(request);
      if (made) return made;
      if (request.proofs.length === 0 || request.proofs.length > MAX_PROOFS) return { status: 'invalid', reason: `Send 1 to ${MAX_PROOFS} photos of the card.` };
      const stored = await storeProofs(request.proofs);
      if (!stored.ok) return { status: 'invalid_image', reason: stored.reason };
      const [first, ...more] = stored.value;
      if (!first) throw new Error('no proof stored');
      const result = await insert(request, [first, ...more]).catch(async (error: unknown) => {
        await Promise.all(stored.value.map((path) => media.remove(path)));
        throw error;
      });
      if (result.status === 'created') return result;
      // Only proofs of saved orders stay on disk; a race on the reference returns the order that won it.
      await Promise.all(stored.value.map((path) => media.remove(path)));
      if (result.status !== 'duplicate_reference') return result;
      const winner = await existing(request);
      if (!winner) throw new Error(`gift card reference ${request.reference} was taken, then vanished`);
      return winner;
    },

    async page(userId, page) {
      const shown = clampPage(page, await countUserGiftCardOrders(pool, userId), ORDERS_PAGE_SIZE);
      const rows = await userGiftCardOrders(pool, userId, { limit: ORDERS_PAGE_SIZE, offset: shown.page * ORDERS_PAGE_SIZE });
      return { rows: rows.map(summary), ...shown };
    },
  };
}

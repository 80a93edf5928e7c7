import type { DatabasePool, DatabaseTransactionConnection } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { findGiftCard, insertGiftCard, listGiftCards, seedEmptyCatalogue, updateGiftCard, type GiftCardChange, type GiftCardRow } from '../../db/giftCards.ts';
import type { AdminActor, AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { Big } from '../common/amounts.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import { CATALOGUE_AUDIT_KIND } from './rules.ts';
import { STARTER_CATALOGUE } from './starterCatalogue.ts';

export type { GiftCardRow };

export type CatalogueOutcome =
  | { status: 'done'; card: GiftCardRow }
  /** Nothing to change (e.g. activating an active card): no audit row. */
  | { status: 'unchanged'; card: GiftCardRow }
  | { status: 'not_admin' }
  | { status: 'not_found' }
  | { status: 'duplicate' }
  /** A card is offered only with a buying rate. */
  | { status: 'no_rate'; card: GiftCardRow }
  | { status: 'invalid_image'; reason: string };

export interface NewCardInput {
  name: string;
  brand: string;
  currency: string;
  rateBuy: string;
  rateSell: string;
  active: boolean;
}

export interface CatalogueService {
  /** The cards users may choose, by brand and name. */
  active(): Promise<readonly GiftCardRow[]>;
  /** Every card, active or not, for admins. */
  all(): Promise<readonly GiftCardRow[]>;
  find(id: number): Promise<GiftCardRow | null>;
  add(card: NewCardInput, image: Buffer | null, from: TelegramIdentity): Promise<CatalogueOutcome>;
  /** New rates apply to new trade-ins only: every order keeps the rate it was quoted. */
  setRates(id: number, rates: { rateBuy: string; rateSell: string }, from: TelegramIdentity): Promise<CatalogueOutcome>;
  setActive(id: number, active: boolean, from: TelegramIdentity): Promise<CatalogueOutcome>;
  setImage(id: number, image: Buffer, from: TelegramIdentity): Promise<CatalogueOutcome>;
  /** The starter catalogue, inserted only into an empty one (so once); returns how many cards were added. */
  seedStarterCatalogue(): Promise<number>;
}

type Change = { change: GiftCardChange; action: string; details: Record<string, string | boolean | null> } | 'unchanged' | 'no_rate';

export function createCatalogueService(deps: { pool: DatabasePool; admins: AdminService; media: MediaStore; clock: Clock }): CatalogueService {
  const { pool, admins, media, clock } = deps;

  /** Reads the card under a lock, lets `decide` work out the change, applies it and audits it, in one transaction. */
  async function change(id: number, from: TelegramIdentity, decide: (card: GiftCardRow) => Change): Promise<CatalogueOutcome> {
    const admin = await admins.actorFor(from);
    if (!admin) return { status: 'not_admin' };
    return pool.transaction(async (tx) => {
      const card = await findGiftCard(tx, id, { lock: 'update' });
      if (!card) return { status: 'not_found' };
      const decided = decide(card);
      if (decided === 'unchanged' || decided === 'no_rate') return { status: decided, card };
      const updated = await updateGiftCard(tx, id, decided.change, clock());
      if (!updated) return { status: 'not_found' };
      await audit(tx, admin, id, decided.action, decided.details);
      return { status: 'done', card: updated };
    });
  }

  function audit(tx: DatabaseTransactionConnection, admin: AdminActor, id: number, action: string, details: Record<string, string | boolean | null>) {
    return insertAuditEntry(tx, { subjectKind: CATALOGUE_AUDIT_KIND, subjectId: id, action, admin, details });
  }

  /** Stores a picture, runs `save` with its path, and removes the picture again when it was not saved. */
  async function withImage(image: Buffer | null, save: (path: string | null) => Promise<CatalogueOutcome>): Promise<CatalogueOutcome> {
    if (!image) return save(null);
    const stored = await media.storeImage(image, 'giftcards');
    if (!stored.ok) return { status: 'invalid_image', reason: stored.reason };
    const outcome = await save(stored.value.path).catch(async (error: unknown) => {
      await media.remove(stored.value.path);
      throw error;
    });
    if (outcome.status !== 'done') await media.remove(stored.value.path);
    return outcome;
  }

  return {
    active: () => listGiftCards(pool, { activeOnly: true }),
    all: () => listGiftCards(pool, { activeOnly: false }),
    find: (id) => findGiftCard(pool, id),

    async add(card, image, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      return withImage(image, (path) =>
        pool.transaction(async (tx): Promise<CatalogueOutcome> => {
          const added = await insertGiftCard(tx, { ...card, image: path, isActive: card.active }, clock());
          if (!added) return { status: 'duplicate' };
          const { name, brand, currency, rateBuy, rateSell, active } = card;
          await audit(tx, admin, added.id, 'add', { name, brand, currency, rate_buy: rateBuy, rate_sell: rateSell, active, image: path });
          return { status: 'done', card: added };
        }),
      );
    },

    setRates(id, rates, from) {
      return change(id, from, (card) =>
        card.rate_buy === rates.rateBuy && card.rate_sell === rates.rateSell
          ? 'unchanged'
          : {
              change: rates,
              action: 'update_rates',
              details: { rate_buy_from: card.rate_buy, rate_buy_to: rates.rateBuy, rate_sell_from: card.rate_sell, rate_sell_to: rates.rateSell },
            },
      );
    },

    setActive(id, active, from) {
      return change(id, from, (card) => {
        if (card.is_active === active) return 'unchanged';
        if (active && new Big(card.rate_buy).lte(0)) return 'no_rate';
        return { change: { isActive: active }, action: active ? 'activate' : 'deactivate', details: {} };
      });
    },

    async setImage(id, image, from) {
      const replaced: { image: string | null } = { image: null };
      const outcome = await withImage(image, (path) =>
        change(id, from, (card) => {
          replaced.image = card.image;
          return { change: { image: path }, action: 'set_image', details: { from: card.image, to: path } };
        }),
      );
      // The old picture goes only once the new one is saved.
      if (outcome.status === 'done' && replaced.image) await media.remove(replaced.image);
      return outcome;
    },

    seedStarterCatalogue: () => pool.transaction((tx) => seedEmptyCatalogue(tx, STARTER_CATALOGUE, clock())),
  };
}

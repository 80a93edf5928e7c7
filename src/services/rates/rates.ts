import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { insertRate, latestRate, type RateRow, type RateSource } from '../../db/rates.ts';
import { acceptRefusedPrice, findRefusedPrice, insertRefusedPriceIfDue, type RefusedPriceRow } from '../../db/refusedLivePrices.ts';
import { clearRateStaleAlert, markManualPriceReminded, markRateStaleAlerted, readSettings } from '../../db/settings.ts';
import type { Logger } from '../../logger.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import type { Clock } from '../platform/clock.ts';
import { Big } from '../common/amounts.ts';
import { PRICE_DECIMALS, storablePrice, type RateProvider } from './providers.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

export type { RateSource };

/** A price older than this is stale: quotes should not be made from it and the admins are told once. */
export const STALE_AFTER_MS = 15 * 60_000;

/** In manual mode the admins are reminded once a day while the price they set is older than this. */
export const MANUAL_PRICE_REMINDER_MS = 24 * 60 * 60_000;

/** A live price this far (as a fraction) from the price it is compared with is taken for a glitch, not a market move. */
const MAX_JUMP = new Big('0.5');
/** A live price is compared with the last live one while that is younger than this, else with the newest of any source. */
const LIVE_REFERENCE_MS = 24 * 60 * 60_000;
/** While live prices are refused, the admins are told at most this often. */
const REFUSAL_ALERT_EVERY_MS = 60 * 60_000;

export type { RefusedPriceRow };

export type RefreshResult =
  | { status: 'updated'; priceGhs: string }
  | { status: 'manual' }
  | { status: 'failed'; reason: string }
  /** Too far from the price it was compared with; `alert` is set when the admins are to be told now (and may accept it). */
  | { status: 'refused'; reason: string; alert: RefusedPriceRow | null };

export type AcceptResult =
  | { status: 'accepted'; refused: RefusedPriceRow }
  | { status: 'not_admin' }
  | { status: 'not_found' }
  /** Accepted by an admin before. */
  | { status: 'already_accepted'; refused: RefusedPriceRow }
  /** A live price came after it (the feed came back, or a later one was accepted): it is out of date. */
  | { status: 'superseded'; refused: RefusedPriceRow };

export interface CurrentPrice {
  priceGhs: string;
  source: RateSource;
  fetchedAt: Date;
  stale: boolean;
}

export interface RateService {
  /** Fetches the price from the live source chosen in settings; a failure changes nothing and is logged. */
  refresh(): Promise<RefreshResult>;
  /** An admin accepts a refused live price (guarded, audited): it is stored as the live price it was. */
  acceptRefusedPrice(id: number, from: TelegramIdentity): Promise<AcceptResult>;
  /** An admin's price (audited): the newest price until the next successful fetch, whatever the live source. */
  setManualPrice(text: string, from: TelegramIdentity): Promise<Checked<string>>;
  /** The newest price; `db` lets a transaction read it on its own connection. */
  currentPrice(db?: CommonQueryMethods): Promise<CurrentPrice | null>;
  /** How far a price an admin typed is from the current one (in percent, signed), before they confirm it. */
  previewManualPrice(text: string): Promise<Checked<{ price: string; changePercent: string | null }>>;
  /** Non-null once per stale spell, whichever instance asks first; the next fresh price re-arms it. */
  staleAlertDue(): Promise<{ lastPriceAt: Date | null } | null>;
  /** In manual mode, non-null at most once a day while the price set by hand is over 24 hours old. */
  manualPriceReminderDue(): Promise<{ priceGhs: string; setAt: Date } | null>;
}

/** "15.2", "GHS 15.20", "15,000.5 cedis": a positive price with at most 8 decimals, never through a JS number. */
export function checkPrice(text: string, asset: string): Checked<string> {
  const example = `Type the price of 1 ${asset} in cedis, e.g. 15.20 or GHS 15.20`;
  const number = text
    .trim()
    .replace(/^(ghs|gh₵|ghc|₵)\s*/iu, '')
    .replace(/\s*(ghs|cedis?)$/iu, '');
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(number)) return invalid(`That is not a price. ${example}`);
  if ((number.split('.')[1]?.length ?? 0) > PRICE_DECIMALS) return invalid(`A price has at most ${PRICE_DECIMALS} decimals. ${example}`);
  const price = storablePrice(new Big(number.replace(/,/g, '')));
  return price ? valid(price) : invalid(`The price must be more than 0 and below 1,000,000,000,000. ${example}`);
}

export function createRateService(deps: {
  pool: DatabasePool;
  asset: string;
  providers: Partial<Record<RateProvider['source'], RateProvider>>;
  admins: AdminService;
  clock: Clock;
  logger: Logger;
}): RateService {
  const { pool, asset, providers, admins, clock, logger } = deps;

  const failed = (source: string, reason: string): RefreshResult => {
    logger.warn({ source, asset, reason }, 'live price not updated');
    return { status: 'failed', reason };
  };

  const currentPrice = async (db: CommonQueryMethods = pool): Promise<CurrentPrice | null> => {
    const [latest, settings] = await Promise.all([latestRate(db, asset), readSettings(db)]);
    if (!latest) return null;
    // A price set by hand in manual mode is the admins' decision: it does not go stale by age.
    const ageLimited = settings.live_rate_source !== 'manual';
    return {
      priceGhs: latest.price_ghs,
      source: latest.source,
      fetchedAt: latest.fetched_at,
      stale: ageLimited && clock().getTime() - latest.fetched_at.getTime() > STALE_AFTER_MS,
    };
  };

  /**
   * What a fetched price is checked against: the last live price while it is under 24 hours old (so a mistyped
   * manual price never blocks the feed that corrects it), otherwise the newest price of any source (after months
   * of prices set by hand, the market has moved since the last live one).
   */
  const referencePrice = async (now: Date): Promise<RateRow | null> => {
    const live = await latestRate(pool, asset, { liveOnly: true });
    if (live && now.getTime() - live.fetched_at.getTime() < LIVE_REFERENCE_MS) return live;
    return latestRate(pool, asset);
  };

  return {
    async refresh() {
      const { live_rate_source: source } = await readSettings(pool);
      if (source === 'manual') return { status: 'manual' };
      const provider = source === 'coinmarketcap' || source === 'coingecko' ? providers[source] : undefined;
      if (!provider) return failed(source, `no ${source} provider is configured`);
      let fetched: string;
      try {
        fetched = await provider.fetchPriceGhs(asset);
      } catch (error) {
        return failed(source, error instanceof Error ? error.message : String(error));
      }
      const now = clock();
      const reference = await referencePrice(now);
      if (reference && new Big(fetched).minus(reference.price_ghs).abs().gt(new Big(reference.price_ghs).times(MAX_JUMP))) {
        const reason = `${fetched} GHS is more than 50% away from the last price, ${reference.price_ghs} GHS (${reference.source})`;
        logger.warn({ source, asset, reason }, 'live price refused');
        const alert = await insertRefusedPriceIfDue(
          pool,
          { asset, source: provider.source, priceGhs: fetched, fetchedAt: now, comparedWith: { priceGhs: reference.price_ghs, source: reference.source, fetchedAt: reference.fetched_at } },
          new Date(now.getTime() - REFUSAL_ALERT_EVERY_MS),
        );
        return { status: 'refused', reason, alert };
      }
      const priceGhs = await pool.transaction(async (tx) => {
        const stored = await insertRate(tx, { asset, source: provider.source, priceGhs: fetched, fetchedAt: now, setByAdminId: null });
        await clearRateStaleAlert(tx);
        return stored;
      });
      return { status: 'updated', priceGhs };
    },

    async acceptRefusedPrice(id, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      return pool.transaction(async (tx): Promise<AcceptResult> => {
        const accepted = await acceptRefusedPrice(tx, id, { byName: admin.name, at: clock() });
        if (!accepted) {
          const refused = await findRefusedPrice(tx, id);
          if (!refused) return { status: 'not_found' };
          return refused.accepted_at ? { status: 'already_accepted', refused } : { status: 'superseded', refused };
        }
        await insertRate(tx, { asset, source: accepted.source, priceGhs: accepted.price_ghs, fetchedAt: accepted.fetched_at, setByAdminId: admin.userId });
        await insertAuditEntry(tx, {
          subjectKind: 'rates',
          subjectId: accepted.id,
          action: 'accept_live_price',
          admin,
          details: { asset, price: accepted.price_ghs, source: accepted.source, compared_with: accepted.compared_with_ghs, compared_source: accepted.compared_source },
        });
        return { status: 'accepted', refused: accepted };
      });
    },

    async setManualPrice(text, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return invalid('Only admins can set the price.');
      const parsed = checkPrice(text, asset);
      if (!parsed.ok) return parsed;
      return pool.transaction(async (tx) => {
        const price = await insertRate(tx, { asset, source: 'manual', priceGhs: parsed.value, fetchedAt: clock(), setByAdminId: admin.userId });
        await clearRateStaleAlert(tx);
        await insertAuditEntry(tx, { subjectKind: 'rates', subjectId: null, action: 'set_price', admin, details: { asset, price } });
        return valid(price);
      });
    },

    currentPrice,

    async previewManualPrice(text) {
      const parsed = checkPrice(text, asset);
      if (!parsed.ok) return parsed;
      const current = await latestRate(pool, asset);
      const change = current ? new Big(parsed.value).minus(current.price_ghs).div(current.price_ghs).times(100).toFixed(1) : null;
      return valid({ price: parsed.value, changePercent: change });
    },

    async manualPriceReminderDue() {
      const [current, settings] = await Promise.all([currentPrice(), readSettings(pool)]);
      const now = clock();
      if (settings.live_rate_source !== 'manual' || !current || now.getTime() - current.fetchedAt.getTime() <= MANUAL_PRICE_REMINDER_MS) return null;
      return (await markManualPriceReminded(pool, now, MANUAL_PRICE_REMINDER_MS)) ? { priceGhs: current.priceGhs, setAt: current.fetchedAt } : null;
    },

    async staleAlertDue() {
      const current = await currentPrice();
      if (current && !current.stale) return null;
      return (await markRateStaleAlerted(pool, clock())) ? { lastPriceAt: current?.fetchedAt ?? null } : null;
    },
  };
}

import type { DatabasePool } from 'slonik';
import { bookLevels, countUserOrders, findOrder, userOrdersPage, type BookLevel, type OrderSide } from '../../db/orders.ts';
import { readSettings, type SettingsRow } from '../../db/settings.ts';
import { tradeStats } from '../../db/trades.ts';
import { findWalletByUserId } from '../../db/wallets.ts';
import { Big, formatCrypto, formatGhs, GHS_DECIMALS } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { addDays, buyReservation, fillTotal, orderValueRefusal, parseOrderAmount, parseOrderPrice, sellerFee, type OrderLimits } from './rules.ts';
import { orderView, type OrderView } from './orderView.ts';

export type { BookLevel };

/** The book (best levels each side), the last trade, and the last 24 hours. */
export interface MarketOverview {
  pair: string;
  bids: readonly BookLevel[];
  asks: readonly BookLevel[];
  lastPrice: string | null;
  volume24h: string;
  volume24hGhs: string;
  trades24h: number;
  /** Percent from the price 24 hours ago (or the first trade since) to the last; null without trades. */
  change24hPercent: string | null;
}

/** What the order form shows before asking: what the user has for this side, and the market's rules. */
export interface OrderForm {
  /** GHS for a BUY, the asset for a SELL. */
  available: string;
  feePercent: string;
  minOrderGhs: string;
  maxOrderGhs: string;
  orderDays: number;
  bestBid: string | null;
  bestAsk: string | null;
}

export interface OrderPreview {
  /** BUY: what is reserved (amount × price, rounded up). SELL: what one fill at the limit would bring before the fee. */
  totalGhs: string;
  feePercent: string;
  /** SELL only: the fee and what is left of the total after it, at the limit price. */
  feeGhs: string;
  proceedsGhs: string;
  /** ISO time the order would expire if placed now. */
  expiresAt: string;
}

export interface MarketViews {
  overview(): Promise<MarketOverview>;
  ordersPage(userId: number, page: number): Promise<{ orders: readonly OrderView[]; page: number; pages: number }>;
  /** One of the user's orders; null for an order of someone else (or none). */
  ownOrder(userId: number, orderId: number): Promise<OrderView | null>;
  orderForm(userId: number, side: OrderSide): Promise<OrderForm>;
  /** An amount as typed; a SELL cannot exceed the crypto available. */
  checkAmount(side: OrderSide, text: string, available: string): Checked<string>;
  /** A limit price as typed, for this amount: within the order value limits; a BUY's reserve within the cedis available. */
  checkPrice(side: OrderSide, amount: string, text: string, available: string): Promise<Checked<string>>;
  preview(side: OrderSide, amount: string, price: string): Promise<OrderPreview>;
}

export const ORDERS_PAGE_SIZE = 5;
const BOOK_DEPTH = 5;

export function limitsOf(settings: SettingsRow): OrderLimits & { orderDays: number } {
  return { minOrderGhs: String(settings.market_min_order_ghs), maxOrderGhs: String(settings.market_max_order_ghs), orderDays: Number(settings.market_order_days) };
}

export function createMarketViews(deps: { pool: DatabasePool; clock: Clock; asset: string; pair: string }): MarketViews {
  const { pool, clock, asset, pair } = deps;
  return {
    async overview() {
      const [bids, asks, stats] = await Promise.all([
        bookLevels(pool, pair, 'BUY', BOOK_DEPTH),
        bookLevels(pool, pair, 'SELL', BOOK_DEPTH),
        tradeStats(pool, pair, addDays(clock(), -1)),
      ]);
      const change =
        stats.last_price && stats.opening_price
          ? new Big(stats.last_price).minus(stats.opening_price).times(100).div(stats.opening_price).round(2, Big.roundHalfUp).toFixed(2)
          : null;
      return { pair, bids, asks, lastPrice: stats.last_price, volume24h: stats.volume, volume24hGhs: stats.volume_ghs, trades24h: stats.trades, change24hPercent: change };
    },

    async ordersPage(userId, page) {
      const pages = Math.max(1, Math.ceil((await countUserOrders(pool, userId)) / ORDERS_PAGE_SIZE));
      const shown = Math.min(Math.max(0, Math.trunc(page) || 0), pages - 1);
      const rows = await userOrdersPage(pool, userId, { limit: ORDERS_PAGE_SIZE, offset: shown * ORDERS_PAGE_SIZE });
      return { orders: rows.map(orderView), page: shown, pages };
    },

    async ownOrder(userId, orderId) {
      const order = await findOrder(pool, orderId);
      return order?.user_id === userId ? orderView(order) : null;
    },

    async orderForm(userId, side) {
      const [wallet, settings, bids, asks] = await Promise.all([
        findWalletByUserId(pool, userId),
        readSettings(pool),
        bookLevels(pool, pair, 'BUY', 1),
        bookLevels(pool, pair, 'SELL', 1),
      ]);
      const limits = limitsOf(settings);
      return {
        available: (side === 'BUY' ? wallet?.balance_cedis : wallet?.balance_crypto) ?? '0',
        feePercent: settings.escrow_percent,
        ...limits,
        bestBid: bids[0]?.price ?? null,
        bestAsk: asks[0]?.price ?? null,
      };
    },

    checkAmount(side, text, available) {
      const amount = parseOrderAmount(text, asset);
      if (amount.ok && side === 'SELL' && new Big(amount.value).gt(available)) {
        return invalid(`You have ${formatCrypto(available, asset)} available. Type a smaller amount.`);
      }
      return amount;
    },

    async checkPrice(side, amount, text, available) {
      const price = parseOrderPrice(text, asset);
      if (!price.ok) return price;
      const outOfLimits = orderValueRefusal(amount, price.value, limitsOf(await readSettings(pool)));
      if (outOfLimits) return invalid(`${outOfLimits} Type another price, or /cancel and start again with another amount.`);
      const reserve = buyReservation(amount, price.value);
      if (side === 'BUY' && new Big(reserve).gt(available)) {
        return invalid(`That needs ${formatGhs(reserve)}, but you have ${formatGhs(available)} available. Type a lower price, or /cancel.`);
      }
      return valid(price.value);
    },

    async preview(side, amount, price) {
      const settings = await readSettings(pool);
      const total = side === 'BUY' ? buyReservation(amount, price) : fillTotal(amount, price);
      const fee = side === 'SELL' ? sellerFee(total, settings.escrow_percent) : new Big(0).toFixed(GHS_DECIMALS);
      return {
        totalGhs: total,
        feePercent: settings.escrow_percent,
        feeGhs: fee,
        proceedsGhs: new Big(total).minus(fee).toFixed(GHS_DECIMALS),
        expiresAt: addDays(clock(), limitsOf(settings).orderDays).toISOString(),
      };
    },
  };
}

/**
 * A small in-memory model of the market, written independently of src/ (integers of the smallest units,
 * BigInt arithmetic): limit orders, price-time priority at the resting price, partial fills, self-trade
 * prevention, the BUY reserve (unfilled × price rounded up), fill totals rounded down, the seller's fee rounded
 * up. Tests run the same sequence through it and through the real service and compare trades and balances.
 */

export const UNIT = 100_000_000n; // 1e-8 of the asset per unit
export type Side = 'BUY' | 'SELL';

export interface ModelWallet {
  /** pesewas */
  cedis: bigint;
  cedisReserved: bigint;
  /** 1e-8 units */
  crypto: bigint;
  cryptoReserved: bigint;
}

export interface ModelOrder {
  /** Placement order, 0, 1, 2 … (the real ids skip numbers when a placement rolls back). */
  index: number;
  user: number;
  side: Side;
  amount: bigint;
  /** pesewas per unit */
  price: bigint;
  filled: bigint;
  feeBasisPoints: bigint;
  status: 'open' | 'completed' | 'cancelled';
}

export interface ModelTrade {
  incoming: number;
  resting: number;
  buyer: number;
  seller: number;
  amount: bigint;
  price: bigint;
  total: bigint;
  fee: bigint;
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export class MarketModel {
  readonly wallets: ModelWallet[];
  readonly orders: ModelOrder[] = [];
  readonly trades: ModelTrade[] = [];
  platformFees = 0n;
  readonly limits: { minPesewas: bigint; maxPesewas: bigint };

  constructor(wallets: ModelWallet[], limits: { minPesewas: bigint; maxPesewas: bigint }) {
    this.wallets = wallets;
    this.limits = limits;
  }

  private wallet(user: number): ModelWallet {
    const wallet = this.wallets[user];
    if (!wallet) throw new Error(`no model wallet ${user}`);
    return wallet;
  }

  static reserveOf(order: Pick<ModelOrder, 'side' | 'amount' | 'filled' | 'price' | 'status'>): bigint {
    if (order.status !== 'open') return 0n;
    const unfilled = order.amount - order.filled;
    return order.side === 'BUY' ? ceilDiv(unfilled * order.price, UNIT) : unfilled;
  }

  place(user: number, side: Side, amount: bigint, price: bigint, feeBasisPoints: bigint): 'placed' | 'insufficient' | 'invalid' {
    // value in pesewas × UNIT, compared exactly with the limits
    const value = amount * price;
    if (value < this.limits.minPesewas * UNIT || value > this.limits.maxPesewas * UNIT) return 'invalid';
    const order: ModelOrder = { index: this.orders.length, user, side, amount, price, filled: 0n, feeBasisPoints, status: 'open' };
    const reserve = MarketModel.reserveOf(order);
    const wallet = this.wallet(user);
    if (side === 'BUY') {
      if (wallet.cedis < reserve) return 'insufficient';
      wallet.cedis -= reserve;
      wallet.cedisReserved += reserve;
    } else {
      if (wallet.crypto < reserve) return 'insufficient';
      wallet.crypto -= reserve;
      wallet.cryptoReserved += reserve;
    }
    this.orders.push(order);
    this.match(order);
    return 'placed';
  }

  private match(incoming: ModelOrder): void {
    const crosses = (resting: ModelOrder) => (incoming.side === 'BUY' ? resting.price <= incoming.price : resting.price >= incoming.price);
    const book = this.orders
      .filter((resting) => resting.status === 'open' && resting.side !== incoming.side && resting.user !== incoming.user && crosses(resting))
      .sort((a, b) => (a.price === b.price ? a.index - b.index : (incoming.side === 'BUY' ? a.price < b.price : a.price > b.price) ? -1 : 1));
    for (const resting of book) {
      if (incoming.status !== 'open') return;
      this.fill(incoming, resting);
    }
  }

  private fill(incoming: ModelOrder, resting: ModelOrder): void {
    const amount = [incoming.amount - incoming.filled, resting.amount - resting.filled].reduce((a, b) => (a < b ? a : b));
    const [buy, sell] = incoming.side === 'BUY' ? [incoming, resting] : [resting, incoming];
    const total = (amount * resting.price) / UNIT;
    const fee = ceilDiv(total * sell.feeBasisPoints, 10_000n);
    const buyReserveBefore = MarketModel.reserveOf(buy);
    for (const order of [buy, sell]) {
      order.filled += amount;
      if (order.filled === order.amount) order.status = 'completed';
    }
    const buyer = this.wallet(buy.user);
    const refund = buyReserveBefore - total - MarketModel.reserveOf(buy);
    if (refund < 0n) throw new Error('model: the reserve did not cover a fill');
    buyer.cedisReserved -= total + refund;
    buyer.cedis += refund;
    buyer.crypto += amount;
    const seller = this.wallet(sell.user);
    seller.cryptoReserved -= amount;
    seller.cedis += total - fee;
    this.platformFees += fee;
    this.trades.push({ incoming: incoming.index, resting: resting.index, buyer: buy.user, seller: sell.user, amount, price: resting.price, total, fee });
  }

  cancel(index: number): 'cancelled' | 'not_open' {
    const order = this.orders[index];
    if (!order || order.status !== 'open') return 'not_open';
    const reserve = MarketModel.reserveOf(order);
    order.status = 'cancelled';
    const wallet = this.wallet(order.user);
    if (order.side === 'BUY') {
      wallet.cedisReserved -= reserve;
      wallet.cedis += reserve;
    } else {
      wallet.cryptoReserved -= reserve;
      wallet.crypto += reserve;
    }
    return 'cancelled';
  }
}

/** 1234 pesewas from "12.34", 1 unit from "0.00000001" (a database numeric may carry more zeros). */
export function unitsOf(value: string, places: number): bigint {
  const [whole = '0', fraction = ''] = value.split('.');
  return BigInt(whole + fraction.padEnd(places, '0').slice(0, places));
}

/** "12.34" from 1234 pesewas; "0.00000001" from 1 unit. */
export function decimal(units: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  return `${sign}${abs / scale}.${(abs % scale).toString().padStart(places, '0')}`;
}

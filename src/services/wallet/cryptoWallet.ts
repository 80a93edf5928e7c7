import QRCode from 'qrcode';
import { UniqueIntegrityConstraintViolationError, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { depositsWithHash, findCryptoDepositByReference, insertCryptoDeposit, networksDepositedWithHash } from '../../db/cryptoDeposits.ts';
import { readSettings } from '../../db/settings.ts';
import { listSavedAddresses, saveAddress, touchSavedAddress, type SavedAddressRow } from '../../db/cryptoAddresses.ts';
import { findCryptoNetwork } from '../../db/cryptoNetworks.ts';
import { findCryptoWithdrawalByReference, insertCryptoWithdrawal, lockTransactionHash, networksPaidWithHash } from '../../db/cryptoWithdrawals.ts';
import { countCryptoTransfers, cryptoTransfersPage, type CryptoTransferRow } from '../../db/readModels/cryptoTransfers.ts';
import { findWalletByUserId } from '../../db/wallets.ts';
import type { MoneyAccess } from '../accounts/moneyAccess.ts';
import { queueCardPost } from '../approvals/cardQueue.ts';
import { Big, CRYPTO_DECIMALS, formatCrypto, GHS_DECIMALS, readPositiveDecimal, roundDown } from '../common/amounts.ts';
import { clampPage } from '../common/paging.ts';
import { Rollback, withRollback } from '../common/rollback.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { computeQuote, type PriceSource, type QuoteService } from '../trading/quotes.ts';
import { checkAssetAmount, type CryptoNetworkService, type NetworkSettings } from './cryptoNetworkSettings.ts';
import { checkAddress, checkTransactionHash, CRYPTO_NETWORKS, isCryptoNetwork, networkName, NETWORKS, type CryptoNetwork } from './cryptoNetworks.ts';
import { moveFunds } from './ledger.ts';
import { createOnce, type CreateResult } from './requests.ts';

export type { CryptoTransferRow, SavedAddressRow };

const TRANSFERS_PER_PAGE = 5;

/** How many saved addresses a network's question offers. */
export const SAVED_ADDRESSES_SHOWN = 5;

/** A withdrawal's amount and fee, as its summary shows them: the amount arrives, amount + fee leave the wallet. */
export interface WithdrawalAmount {
  amount: string;
  fee: string;
  total: string;
}

export interface CryptoWithdrawalRequest {
  userId: number;
  network: CryptoNetwork;
  address: string;
  memo: string | null;
  amount: string;
  /** The fee the user was shown: a fee changed meanwhile refuses the withdrawal, to be confirmed again. */
  fee: string;
  reference: string;
  /** Saves the address under this label (or marks the saved one used). */
  label: string | null;
}

export interface CryptoDepositRequest {
  userId: number;
  network: CryptoNetwork;
  amount: string;
  txHash: string;
  reference: string;
}

/** Where a user sends a deposit on a network: the desk's address, and their memo where the network uses one. */
export interface DepositDestination {
  address: string;
  memo: string | null;
}

export interface CryptoWalletService {
  /** A page of the user's crypto sent and received, newest first (/orders). */
  transfers(userId: number, page: number): Promise<{ rows: readonly CryptoTransferRow[]; page: number; pages: number }>;
  /** The user's saved addresses on a network, the last used first. */
  savedAddresses(userId: number, network: CryptoNetwork): Promise<readonly SavedAddressRow[]>;
  /** A typed amount of the asset ("25", "25 USDT", "all" = available − fee), within the minimum and the balance. */
  checkWithdrawalAmount(userId: number, network: NetworkSettings, text: string): Promise<Checked<WithdrawalAmount>>;
  /** Amount + fee move from available to reserved crypto until an admin has sent it (or declines). */
  createWithdrawal(request: CryptoWithdrawalRequest): Promise<CreateResult>;
  /** The desk's address on a network that is on, with the user's memo on TON (the desk has one address there). */
  depositDestination(userId: number, network: NetworkSettings): DepositDestination | null;
  /** A QR code (PNG) of an address, as wallets scan it. */
  addressQrCode(address: string): Promise<Buffer>;
  /** An amount of the asset the user says they sent. */
  checkDepositAmount(text: string): Checked<string>;
  /** A deposit's transaction hash: its form on the network, and not one of the desk's own payouts. */
  checkDepositHash(network: CryptoNetwork, text: string): Promise<Checked<string>>;
  /**
   * A transaction the user sent to the desk, stored for an admin to check: refused when the user reported it already
   * (their deposit is named). Another user's deposit of the same hash is the card's to flag (a batch, or a mistake).
   */
  createDeposit(request: CryptoDepositRequest): Promise<CreateResult | { status: 'reported_before'; reference: string }>;
}

export function createCryptoWalletService(deps: {
  pool: DatabasePool;
  access: MoneyAccess;
  prices: PriceSource;
  quotes: QuoteService;
  clock: Clock;
  asset: string;
  networks: CryptoNetworkService;
}): CryptoWalletService {
  const { pool, access, prices, quotes, clock, asset } = deps;

  /** What `amount` is worth at the desk's sell (or buy) rate now (the last price, stale or not); 0 before any price. */
  async function valueGhs(amount: string, side: 'buy' | 'sell' = 'sell'): Promise<string> {
    const price = await prices.currentPrice();
    if (!price) return '0.00';
    const rates = await quotes.unitRates(price.priceGhs);
    return roundDown(new Big(amount).times(rates[side]), GHS_DECIMALS).toFixed(GHS_DECIMALS);
  }

  function amountWithFee(amount: Big, fee: string): WithdrawalAmount {
    return { amount: amount.toFixed(CRYPTO_DECIMALS), fee: new Big(fee).toFixed(CRYPTO_DECIMALS), total: amount.plus(fee).toFixed(CRYPTO_DECIMALS) };
  }

  /** The amount within the network's minimum and what the wallet holds with the fee; or why not. */
  function withinLimits(amount: Big, network: Pick<NetworkSettings, 'withdrawalFee' | 'minWithdrawal'>, available: string): Checked<WithdrawalAmount> {
    const fee = network.withdrawalFee ?? '0';
    const minimum = network.minWithdrawal ?? '0';
    if (amount.lt(minimum)) return invalid(`The smallest withdrawal is ${formatCrypto(minimum, asset)}. Please type a larger amount.`);
    if (amount.plus(fee).gt(available)) {
      const most = new Big(available).minus(fee);
      return invalid(
        most.gte(minimum) && most.gt(0)
          ? `You have ${formatCrypto(available, asset)} available and the fee is ${formatCrypto(fee, asset)}: you can send at most ${formatCrypto(most, asset)}. Type a smaller amount or "all".`
          : `You have ${formatCrypto(available, asset)} available: not enough for the smallest withdrawal with its fee.`,
      );
    }
    return valid(amountWithFee(amount, fee));
  }

  /** Stores a reported deposit (idempotent on its reference) with its card queued. */
  function storeDeposit(request: CryptoDepositRequest, txHash: string, worth: string): Promise<CreateResult> {
    return createOnce(pool, request.userId, (db) => findCryptoDepositByReference(db, request.reference), async (tx) => {
      const refusal = await access.refusal(request.userId, tx);
      if (refusal) return { status: 'refused', refusal };
      const row = await findCryptoNetwork(tx, request.network);
      if (!row?.enabled || row.deposit_address === null) return { status: 'invalid', reason: `Deposits on ${networkName(request.network)} are paused now. Contact support if you have sent coins.` };
      const created = await insertCryptoDeposit(tx, {
        userId: request.userId,
        asset,
        network: request.network,
        depositAddress: row.deposit_address,
        memo: NETWORKS[request.network].usesMemo ? depositMemo(request.userId) : null,
        txHash,
        amount: new Big(request.amount).toFixed(CRYPTO_DECIMALS),
        valueGhs: worth,
        reference: request.reference,
        createdAt: clock(),
      });
      await queueCardPost(tx, 'crypto_deposit', created.id);
      return { status: 'created', id: created.id, reference: created.reference };
    });
  }

  return {
    depositDestination(userId, network) {
      if (!network.enabled || network.depositAddress === null) return null;
      return { address: network.depositAddress, memo: NETWORKS[network.network].usesMemo ? depositMemo(userId) : null };
    },

    addressQrCode: (address) => QRCode.toBuffer(address, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 360 }),

    checkDepositAmount: (text) => checkAssetAmount(text, asset, false),

    checkDepositHash: (network, text) => checkDepositHash(pool, network, text),

    async createDeposit(request) {
      const hash = await checkDepositHash(pool, request.network, request.txHash);
      if (!hash.ok) return { status: 'invalid', reason: hash.reason };
      if (!readPositiveDecimal(request.amount, CRYPTO_DECIMALS).ok) return { status: 'invalid', reason: `${request.amount} is not an amount of ${asset}.` };
      const worth = await valueGhs(request.amount, 'buy');
      const reportedBefore = async () => {
        const first = (await depositsWithHash(pool, request.network, hash.value)).find((row) => row.user_id === request.userId && row.reference !== request.reference);
        return first ? { status: 'reported_before' as const, reference: first.reference } : null;
      };
      const before = await reportedBefore();
      if (before) return before;
      try {
        return await storeDeposit(request, hash.value, worth);
      } catch (error) {
        // The same user reporting the transaction twice at once: one row wins (crypto_deposits_user_hash_key).
        if (error instanceof UniqueIntegrityConstraintViolationError) return (await reportedBefore()) ?? Promise.reject(error);
        throw error;
      }
    },

    async transfers(userId, page) {
      const shown = clampPage(page, await countCryptoTransfers(pool, userId), TRANSFERS_PER_PAGE);
      return { rows: await cryptoTransfersPage(pool, userId, { limit: TRANSFERS_PER_PAGE, offset: shown.page * TRANSFERS_PER_PAGE }), ...shown };
    },

    savedAddresses: (userId, network) => listSavedAddresses(pool, userId, network, SAVED_ADDRESSES_SHOWN),

    async checkWithdrawalAmount(userId, network, text) {
      const available = (await findWalletByUserId(pool, userId))?.balance_crypto ?? '0';
      if (/^all$/i.test(text.trim())) {
        const all = new Big(available).minus(network.withdrawalFee ?? '0');
        if (all.lte(0)) return invalid(`You have ${formatCrypto(available, asset)} available: not enough to pay the fee of ${formatCrypto(network.withdrawalFee ?? '0', asset)}.`);
        return withinLimits(all, network, available);
      }
      const typed = checkAssetAmount(text, asset, false);
      return typed.ok ? withinLimits(new Big(typed.value), network, available) : invalid(`${typed.reason}, or "all".`);
    },

    async createWithdrawal(request) {
      if (!readPositiveDecimal(request.amount, CRYPTO_DECIMALS).ok) return { status: 'invalid', reason: `${request.amount} is not an amount of ${asset}.` };
      // Read before the transaction: the price and the networks on offer are read from the pool.
      const worth = await valueGhs(request.amount);
      const onOffer = (await deps.networks.enabled()).map((network) => network.network);
      return withRollback<CreateResult, CreateResult>(() =>
        createOnce(pool, request.userId, (db) => findCryptoWithdrawalByReference(db, request.reference), async (tx) => {
          const refusal = await access.refusal(request.userId, tx);
          if (refusal) return { status: 'refused', refusal };
          const row = await findCryptoNetwork(tx, request.network);
          const name = networkName(request.network);
          if (!row?.enabled || row.withdrawal_fee === null || row.min_withdrawal === null) {
            return { status: 'invalid', reason: `Withdrawals on ${name} are paused now. Please try again later or choose another network.` };
          }
          if (!new Big(row.withdrawal_fee).eq(request.fee)) {
            return { status: 'invalid', reason: `The fee on ${name} changed to ${formatCrypto(row.withdrawal_fee, asset)}. Nothing was reserved: please start the withdrawal again.` };
          }
          const address = checkAddress(request.network, request.address, { asset, networks: onOffer });
          if (!address.ok) return { status: 'invalid', reason: address.reason };
          const limits = withinLimits(new Big(request.amount), { withdrawalFee: row.withdrawal_fee, minWithdrawal: row.min_withdrawal }, new Big(request.amount).plus(row.withdrawal_fee).toFixed());
          // The balance is checked by the reservation itself (moveFunds), under the wallet's lock.
          if (!limits.ok) return { status: 'invalid', reason: limits.reason };
          const { amount, fee, total } = limits.value;
          const created = await insertCryptoWithdrawal(tx, {
            userId: request.userId,
            asset,
            network: request.network,
            address: address.value,
            memo: request.memo,
            amount,
            fee,
            valueGhs: worth,
            reference: request.reference,
            createdAt: clock(),
          });
          const reserved = await moveFunds(tx, {
            userId: request.userId,
            changes: { crypto_available: `-${total}`, crypto_reserved: total },
            reason: 'crypto_withdrawal_reserved',
            reference: { kind: 'crypto_withdrawal', id: created.id },
          });
          if (!reserved) throw new Rollback<CreateResult>({ status: 'insufficient' });
          const used = { userId: request.userId, network: request.network, address: address.value, memo: request.memo };
          if (request.label) await saveAddress(tx, { ...used, label: request.label, usedAt: clock() });
          else await touchSavedAddress(tx, used.userId, used.network, used.address, used.memo, clock());
          await queueCardPost(tx, 'crypto_withdrawal', created.id);
          return { status: 'created', id: created.id, reference: created.reference };
        }),
      );
    },
  };
}

/** A deposit's transaction hash as the user types it, in its network's form; never one of the desk's payouts. */
async function checkDepositHash(db: CommonQueryMethods, network: CryptoNetwork, text: string): Promise<Checked<string>> {
  const hash = checkTransactionHash(network, text);
  if (!hash.ok) return hash;
  // The desk's own payout (its hash was sent to the user with the explorer link) is no deposit to the desk, on any
  // network: a transaction is on one network only, and hashes of several networks look alike.
  if ((await networksPaidWithHash(db, hash.value)).length > 0) {
    return invalid('That transaction is a payout the desk sent you, not a deposit to the desk. Paste the hash of the transaction you sent to the desk address.');
  }
  return hash;
}

/**
 * A transaction hash an admin types with Paid, in its network's form; refused when recorded already (by a deposit on
 * any network, or a withdrawal on another), except by withdrawals of the same network (the desk pays several in one
 * transaction). Checked under the hash's lock, so two admins recording one hash at once are checked one after the other.
 */
export async function checkPaidHash(db: CommonQueryMethods, network: string, text: string): Promise<Checked<string>> {
  if (!isCryptoNetwork(network)) return invalid(`Unknown network ${network}.`);
  const hash = checkTransactionHash(network, text);
  if (!hash.ok) return hash;
  await lockTransactionHash(db, hash.value);
  const named = (networks: readonly string[]) => networks.map((other) => (isCryptoNetwork(other) ? networkName(other) : other)).join(', ');
  // On every network: BNB Smart Chain and Ethereum hashes look alike, as do TRON, Bitcoin and TON ones.
  const deposited = await networksDepositedWithHash(db, CRYPTO_NETWORKS, hash.value);
  if (deposited.length > 0) {
    return invalid(`That transaction hash is recorded already, as a deposit a user sent to the desk on ${named(deposited)}. Check the hash and type the one of your payout.`);
  }
  const others = (await networksPaidWithHash(db, hash.value)).filter((paid) => paid !== network);
  if (others.length > 0) {
    return invalid(`That transaction hash is recorded already, for a withdrawal on ${named(others)}: a transaction is on one network only. Check the hash and type the right one.`);
  }
  return hash;
}

/** A user's memo for deposits to the desk's one address on a network that uses memos (TON): their account number. */
export function depositMemo(userId: number): string {
  return String(userId);
}

/**
 * What `amount` of the asset is worth now at the desk's buy or sell rate, read in `db`, and whether that price is stale;
 * null without any price.
 */
export async function valueAtDeskRate(
  db: CommonQueryMethods,
  prices: PriceSource,
  market: { asset: string; amount: string; side: 'buy' | 'sell' },
  now: Date,
): Promise<{ valueGhs: string; stale: boolean } | null> {
  const price = await prices.currentPrice(db);
  if (!price) return null;
  const priced = { asset: market.asset, priceGhs: price.priceGhs, spreadPercent: (await readSettings(db)).spread_percent };
  return { valueGhs: computeQuote(market.side, { currency: 'CRYPTO', amount: market.amount }, priced, now).cedisAmount, stale: price.stale };
}

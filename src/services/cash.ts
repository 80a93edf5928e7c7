import type { DatabasePool } from 'slonik';
import {
  depositSchema,
  findDeposit,
  findWithdrawal,
  insertDeposit,
  insertWithdrawal,
  listPendingDeposits,
  listPendingWithdrawals,
  MOMO_NETWORKS,
  withdrawalSchema,
  type MomoNetwork,
  type PayoutDetails,
  type WithdrawalRow,
} from '../db/cash.ts';
import { decidePendingRequest } from '../db/requests.ts';
import { readSettings } from '../db/settings.ts';
import { findUserById } from '../db/users.ts';
import type { ApprovalKind } from './approvals.ts';
import type { Clock } from './clock.ts';
import { checkGhanaPhone, checkPersonName } from './contactDetails.ts';
import { moveFunds } from './ledger.ts';
import { amountLimitRefusal } from './limits.ts';
import type { MediaStore } from './mediaStore.ts';
import { formatGhs, parseAmount } from './money.ts';
import type { MoneyAccess } from './moneyAccess.ts';
import { notifyUser } from './notifications.ts';
import { Rollback, userCardFields, withPaymentProof, withRollback } from './requestCards.ts';
import type { CreateResult } from './trading.ts';
import { invalid, valid, type Checked } from './validation.ts';

export { MOMO_NETWORKS, type MomoNetwork, type PayoutDetails };

/** Banks offered as buttons; any other can be typed. */
export const GHANA_BANKS = ['GCB Bank', 'Ecobank', 'Stanbic Bank', 'Absa Bank', 'Fidelity Bank', 'CalBank', 'Zenith Bank', 'Access Bank'] as const;

/** A momo wallet number, stored in the local form admins dial: 0 and 9 digits. */
export function checkMomoNumber(text: string): Checked<string> {
  const phone = checkGhanaPhone(text);
  return phone.ok ? valid(`0${phone.value.slice(4)}`) : invalid('That is not a Ghana mobile money number. Type it like 024 123 4567.');
}

export function checkBankAccountNumber(text: string): Checked<string> {
  const digits = text.replace(/[\s-]/g, '');
  return /^\d{8,20}$/.test(digits) ? valid(digits) : invalid('A bank account number is 8 to 20 digits, e.g. 1234567890123.');
}

export function checkBankName(text: string): Checked<string> {
  const name = text.trim().replace(/\s+/g, ' ');
  return name.length >= 2 && name.length <= 100 && /\p{L}/u.test(name) ? valid(name) : invalid('Type the name of the bank, e.g. GCB Bank.');
}

/** The name on the account, as the network or bank shows it to the payer. */
export function checkAccountName(text: string): Checked<string> {
  const checked = checkPersonName(text);
  return checked.ok && checked.value.includes(' ') ? checked : invalid('Type the full name on the account, e.g. Ama Mensah.');
}

export interface DepositRequest {
  userId: number;
  amount: string;
  method: 'momo' | 'bank';
  reference: string;
  proof: Buffer | null;
}

export interface WithdrawalRequest {
  userId: number;
  amount: string;
  payout: PayoutDetails;
  reference: string;
}

export interface CashService {
  /** A cedi amount as typed, within the limits. */
  checkAmount(text: string): Promise<Checked<string>>;
  createDeposit(request: DepositRequest): Promise<CreateResult>;
  /** The amount moves from available to reserved cedis until an admin has paid it out (or declines). */
  createWithdrawal(request: WithdrawalRequest): Promise<CreateResult>;
  depositKind: ApprovalKind;
  withdrawalKind: ApprovalKind;
}

function payoutLine(row: Pick<WithdrawalRow, 'method' | 'momo_network' | 'bank_name' | 'account_number' | 'account_name'>): string {
  return row.method === 'momo'
    ? `${row.momo_network ?? ''} mobile money ${row.account_number}, name ${row.account_name}`
    : `${row.bank_name ?? ''}, account ${row.account_number}, name ${row.account_name}`;
}

export function createCashService(deps: { pool: DatabasePool; access: MoneyAccess; media: MediaStore; clock: Clock }): CashService {
  const { pool, access, media, clock } = deps;

  const depositKind: ApprovalKind = {
    kind: 'dep',
    label: 'Cash deposit',
    approveLabel: 'Approve',
    approvedLabel: 'Approved',
    declineLabel: 'Decline',
    declinedLabel: 'Declined',
    canStartReview: false,
    declineReasons: ['Payment not received', 'The amount paid does not match', 'The reference is missing from the payment'],
    async card(db, id) {
      const row = await findDeposit(db, id);
      const user = row ? await findUserById(db, row.user_id) : null;
      if (!row || !user) return null;
      return {
        kind: 'dep',
        id,
        title: `Deposit #${id} · ${row.reference}`,
        status: row.status,
        fields: [
          ...userCardFields(user),
          ['Amount', `${formatGhs(row.amount)} by ${row.method === 'momo' ? 'mobile money' : 'bank transfer'}`],
          ['Reference', row.reference],
          ['Payment proof', row.payment_proof ? 'screenshot attached' : 'none sent: check the account'],
        ],
        photos: row.payment_proof ? [row.payment_proof] : [],
        submittedAt: row.created_at,
      };
    },
    ownerId: async (db, id) => (await findDeposit(db, id))?.user_id ?? null,
    async listPending(db) {
      return (await listPendingDeposits(db)).map((row) => ({
        kind: 'dep',
        id: row.id,
        submittedAt: row.created_at,
        summary: `Deposit #${row.id}: ${formatGhs(row.amount)} by ${row.method}`,
      }));
    },
    async approve(tx, id) {
      const row = await decidePendingRequest(tx, 'cash_deposits', depositSchema, id, { status: 'approved', decidedAt: clock() });
      if (!row) return false;
      const credited = await moveFunds(tx, { userId: row.user_id, changes: { cedis_available: row.amount }, reason: 'deposit_approved', reference: { kind: 'dep', id } });
      if (!credited) throw new Error(`deposit ${id}: the user's wallet is missing`);
      await notifyUser(tx, {
        userId: row.user_id,
        type: 'DEPOSIT_APPROVED',
        title: 'Deposit received',
        message: `Your deposit ${row.reference} of ${formatGhs(row.amount)} is now in your wallet.`,
      });
      return true;
    },
    async decline(tx, id, _admin, reason) {
      const row = await decidePendingRequest(tx, 'cash_deposits', depositSchema, id, { status: 'declined', declineReason: reason, decidedAt: clock() });
      if (!row) return false;
      await notifyUser(tx, {
        userId: row.user_id,
        type: 'DEPOSIT_DECLINED',
        title: 'Deposit declined',
        message: `Your deposit ${row.reference} of ${formatGhs(row.amount)} was declined. Reason: ${reason}. If you have paid, contact support with the reference.`,
      });
      return true;
    },
  };

  const withdrawalKind: ApprovalKind = {
    kind: 'wd',
    label: 'Cash withdrawal',
    approveLabel: 'Paid',
    approvedLabel: 'Paid',
    declineLabel: 'Decline',
    declinedLabel: 'Declined',
    canStartReview: false,
    declineReasons: ['The payout details are wrong', 'The account name does not match the user', 'Suspected fraud'],
    async card(db, id) {
      const row = await findWithdrawal(db, id);
      const user = row ? await findUserById(db, row.user_id) : null;
      if (!row || !user) return null;
      return {
        kind: 'wd',
        id,
        title: `Withdrawal #${id} · ${row.reference}`,
        status: row.status,
        fields: [
          ...userCardFields(user),
          ['Amount', `${formatGhs(row.amount)} (reserved from the wallet)`],
          ['Pay to', payoutLine(row)],
          ['Reference', row.reference],
          ['Action', 'Pay the amount first, then tap Paid'],
        ],
        photos: [],
        submittedAt: row.created_at,
      };
    },
    ownerId: async (db, id) => (await findWithdrawal(db, id))?.user_id ?? null,
    async listPending(db) {
      return (await listPendingWithdrawals(db)).map((row) => ({
        kind: 'wd',
        id: row.id,
        submittedAt: row.created_at,
        summary: `Withdrawal #${row.id}: ${formatGhs(row.amount)} to ${row.method === 'momo' ? row.momo_network : row.bank_name}`,
      }));
    },
    async approve(tx, id) {
      const row = await decidePendingRequest(tx, 'cash_withdrawals', withdrawalSchema, id, { status: 'approved', decidedAt: clock() });
      if (!row) return false;
      const paid = await moveFunds(tx, { userId: row.user_id, changes: { cedis_reserved: `-${row.amount}` }, reason: 'withdrawal_paid', reference: { kind: 'wd', id } });
      if (!paid) throw new Error(`withdrawal ${id}: the reserved funds are missing`);
      await notifyUser(tx, {
        userId: row.user_id,
        type: 'WITHDRAWAL_PAID',
        title: 'Withdrawal paid',
        message: `Your withdrawal ${row.reference} of ${formatGhs(row.amount)} has been paid to ${payoutLine(row)}.`,
      });
      return true;
    },
    async decline(tx, id, _admin, reason) {
      const row = await decidePendingRequest(tx, 'cash_withdrawals', withdrawalSchema, id, { status: 'declined', declineReason: reason, decidedAt: clock() });
      if (!row) return false;
      const released = await moveFunds(tx, {
        userId: row.user_id,
        changes: { cedis_reserved: `-${row.amount}`, cedis_available: row.amount },
        reason: 'withdrawal_released',
        reference: { kind: 'wd', id },
      });
      if (!released) throw new Error(`withdrawal ${id}: the reserved funds are missing`);
      await notifyUser(tx, {
        userId: row.user_id,
        type: 'WITHDRAWAL_DECLINED',
        title: 'Withdrawal declined',
        message: `Your withdrawal ${row.reference} was declined. Reason: ${reason}. ${formatGhs(row.amount)} is available again in your wallet.`,
      });
      return true;
    },
  };

  return {
    async checkAmount(text) {
      const parsed = parseAmount(text, 'GHS');
      if (!parsed.ok) return parsed;
      if (parsed.value.currency !== 'GHS') return invalid('Type the amount in cedis, e.g. 250.');
      const outOfLimits = amountLimitRefusal(await readSettings(pool), parsed.value.amount);
      return outOfLimits ? invalid(outOfLimits) : valid(parsed.value.amount);
    },

    createDeposit(request) {
      return withPaymentProof(media, request.proof, (proof) =>
        pool.transaction(async (tx): Promise<CreateResult> => {
          const refusal = await access.refusal(request.userId, tx);
          if (refusal) return { status: 'refused', refusal };
          const outOfLimits = amountLimitRefusal(await readSettings(tx), request.amount);
          if (outOfLimits) return { status: 'invalid', reason: outOfLimits };
          const row = await insertDeposit(tx, { ...request, paymentProof: proof, createdAt: clock() });
          return { status: 'created', id: row.id, reference: row.reference };
        }),
      );
    },

    createWithdrawal(request) {
      return withRollback<CreateResult, CreateResult>(() =>
        pool.transaction(async (tx) => {
          const refusal = await access.refusal(request.userId, tx);
          if (refusal) return { status: 'refused', refusal };
          const outOfLimits = amountLimitRefusal(await readSettings(tx), request.amount);
          if (outOfLimits) return { status: 'invalid', reason: outOfLimits };
          const row = await insertWithdrawal(tx, { ...request, createdAt: clock() });
          const reserved = await moveFunds(tx, {
            userId: request.userId,
            changes: { cedis_available: `-${row.amount}`, cedis_reserved: row.amount },
            reason: 'withdrawal_reserved',
            reference: { kind: 'wd', id: row.id },
          });
          if (!reserved) throw new Rollback<CreateResult>({ status: 'insufficient' });
          return { status: 'created', id: row.id, reference: row.reference };
        }),
      );
    },

    depositKind,
    withdrawalKind,
  };
}

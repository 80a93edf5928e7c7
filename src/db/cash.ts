import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const depositSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  amount: z.string(),
  method: z.enum(['momo', 'bank']),
  reference: z.string(),
  payment_proof: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
});
export type DepositRow = z.infer<typeof depositSchema>;

export const MOMO_NETWORKS = ['MTN', 'Telecel', 'AirtelTigo'] as const;
export type MomoNetwork = (typeof MOMO_NETWORKS)[number];

export const withdrawalSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  amount: z.string(),
  method: z.enum(['momo', 'bank']),
  momo_network: z.enum(MOMO_NETWORKS).nullable(),
  bank_name: z.string().nullable(),
  account_number: z.string(),
  account_name: z.string(),
  reference: z.string(),
  status: z.enum(['pending', 'approved', 'declined']),
  decline_reason: z.string().nullable(),
  created_at: z.date(),
  decided_at: z.date().nullable(),
});
export type WithdrawalRow = z.infer<typeof withdrawalSchema>;

export async function insertDeposit(
  db: CommonQueryMethods,
  deposit: { userId: number; amount: string; method: 'momo' | 'bank'; reference: string; paymentProof: string | null; createdAt: Date },
): Promise<DepositRow> {
  return db.one(sql.type(depositSchema)`
    INSERT INTO cash_deposits (user_id, amount, method, reference, payment_proof, created_at)
    VALUES (${deposit.userId}, ${deposit.amount}, ${deposit.method}, ${deposit.reference}, ${deposit.paymentProof}, ${deposit.createdAt.toISOString()})
    RETURNING *
  `);
}

export interface PayoutDetails {
  method: 'momo' | 'bank';
  momoNetwork: MomoNetwork | null;
  bankName: string | null;
  accountNumber: string;
  accountName: string;
}

export async function insertWithdrawal(
  db: CommonQueryMethods,
  withdrawal: { userId: number; amount: string; payout: PayoutDetails; reference: string; createdAt: Date },
): Promise<WithdrawalRow> {
  const { payout } = withdrawal;
  return db.one(sql.type(withdrawalSchema)`
    INSERT INTO cash_withdrawals (user_id, amount, method, momo_network, bank_name, account_number, account_name, reference, created_at)
    VALUES (${withdrawal.userId}, ${withdrawal.amount}, ${payout.method}, ${payout.momoNetwork}, ${payout.bankName},
            ${payout.accountNumber}, ${payout.accountName}, ${withdrawal.reference}, ${withdrawal.createdAt.toISOString()})
    RETURNING *
  `);
}

export async function findDeposit(db: CommonQueryMethods, id: number): Promise<DepositRow | null> {
  return db.maybeOne(sql.type(depositSchema)`SELECT * FROM cash_deposits WHERE id = ${id}`);
}

export async function findWithdrawal(db: CommonQueryMethods, id: number): Promise<WithdrawalRow | null> {
  return db.maybeOne(sql.type(withdrawalSchema)`SELECT * FROM cash_withdrawals WHERE id = ${id}`);
}

export async function listPendingDeposits(db: CommonQueryMethods): Promise<readonly DepositRow[]> {
  return db.any(sql.type(depositSchema)`SELECT * FROM cash_deposits WHERE status = 'pending' ORDER BY created_at, id`);
}

export async function listPendingWithdrawals(db: CommonQueryMethods): Promise<readonly WithdrawalRow[]> {
  return db.any(sql.type(withdrawalSchema)`SELECT * FROM cash_withdrawals WHERE status = 'pending' ORDER BY created_at, id`);
}

import { sql, type CommonQueryMethods } from 'slonik';
import type { Account } from './wallets.ts';

export interface LedgerEntry {
  walletId: number;
  account: Account;
  amount: string;
  balanceAfter: string;
  reason: string;
  referenceKind: string;
  referenceId: number;
}

export async function insertLedgerEntries(db: CommonQueryMethods, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(sql.unsafe`
    INSERT INTO ledger_entries (wallet_id, account, amount, balance_after, reason, reference_kind, reference_id)
    SELECT * FROM ${sql.unnest(
      entries.map((entry) => [entry.walletId, entry.account, entry.amount, entry.balanceAfter, entry.reason, entry.referenceKind, entry.referenceId]),
      ['int8', 'text', 'numeric', 'numeric', 'text', 'text', 'int8'],
    )}
  `);
}

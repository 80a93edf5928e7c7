import { sql, type CommonQueryMethods } from 'slonik';

/** The platform's accounts: money it holds that is no user's (the market's seller fees, crypto withdrawal fees). */
export type PlatformAccount = 'fees_cedis' | 'fees_crypto';

export interface PlatformLedgerEntry {
  account: PlatformAccount;
  amount: string;
  reason: string;
  referenceKind: string;
  referenceId: number;
}

export async function insertPlatformLedgerEntry(db: CommonQueryMethods, entry: PlatformLedgerEntry): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO platform_ledger_entries (account, amount, reason, reference_kind, reference_id)
    VALUES (${entry.account}, ${entry.amount}, ${entry.reason}, ${entry.referenceKind}, ${entry.referenceId})
  `);
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newReference } from '../../src/services/common/references.ts';
import { ADMIN, createMoneyHarness, createMoneyUser, fund, invariantViolations, PAYOUT, walletOf, type MoneyHarness } from '../support/money.ts';
import { seedUser } from '../support/users.ts';

let h: MoneyHarness;
/** A second admin, a registered one (the harness's ADMIN is in ADMIN_IDS only). */
const ESI = { id: 990_002, first_name: 'Esi', last_name: 'Boateng', username: 'esi_admin' };

beforeAll(async () => {
  h = await createMoneyHarness();
  await seedUser(h.db, ESI, { adminIds: [ESI.id] });
  await h.db.query('UPDATE settings SET min_amount_ghs = 1, max_amount_ghs = 50000');
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.db.query('UPDATE settings SET second_approval_above_ghs = 0');
});

function createdId(result: { status: string; id?: number }): number {
  if (result.status !== 'created' || result.id === undefined) throw new Error(`not created: ${JSON.stringify(result)}`);
  return result.id;
}

async function pendingWithdrawal(amount: string): Promise<{ userId: number; id: number }> {
  const userId = await createMoneyUser(h.db);
  await fund(h.services, userId, { cedis: amount });
  const id = createdId(await h.services.wallet.createWithdrawal({ userId, amount, payout: PAYOUT, reference: newReference('WD') }));
  return { userId, id };
}

const claim = (id: number, from: { id: number; first_name: string }) => h.services.approvals.claim({ kind: 'withdrawal', id, from });
const paid = (id: number, from: { id: number; first_name: string }, payoutReference = 'MP-0001') =>
  h.services.approvals.decide({ kind: 'withdrawal', id, action: 'approve', from, payoutReference });
const decline = (id: number, from: { id: number; first_name: string }) => h.services.approvals.decide({ kind: 'withdrawal', id, action: 'decline', from, reason: 'Suspected fraud' });

/** A request's ledger rows, "reason account" each, in order (a move between two accounts is two rows). */
async function ledgerOf(kind: string, id: number): Promise<string[]> {
  const rows = await h.db.query<{ entry: string }>("SELECT reason || ' ' || account AS entry FROM ledger_entries WHERE reference_kind = $1 AND reference_id = $2 ORDER BY id", [kind, id]);
  return rows.map((row) => row.entry);
}
const RESERVED = ['withdrawal_reserved cedis_available', 'withdrawal_reserved cedis_reserved'];
const PAID = [...RESERVED, 'withdrawal_paid cedis_reserved'];

async function auditOf(kind: string, id: number): Promise<{ action: string; admin_name: string }[]> {
  return h.db.query('SELECT action, admin_name FROM admin_audit_log WHERE subject_kind = $1 AND subject_id = $2 ORDER BY id', [kind, id]);
}

type Admin = { id: number; first_name: string };
type Tap = { admin: Admin; what: 'claim' | 'decline' | 'paid' };

describe('payout claims', () => {
  it('moves the money of a withdrawal exactly once while two admins race claim, Decline and Paid, 10 at once', async () => {
    const rounds = await Promise.all(Array.from({ length: 10 }, () => pendingWithdrawal('300')));
    const results = await Promise.all(
      rounds.map(async ({ id }, round) => {
        // Each admin claims, declines and marks paid at once, in a different order every round.
        const taps: Tap[] = [ADMIN, ESI].flatMap((admin) => (['claim', 'decline', 'paid'] as const).map((what) => ({ admin, what })));
        const ordered = round % 2 === 0 ? taps : [...taps].reverse();
        const outcomes = await Promise.all(
          ordered.map(({ admin, what }) => (what === 'claim' ? claim(id, admin) : what === 'decline' ? decline(id, admin) : paid(id, admin, `MP-${round}-${admin.id}`))),
        );
        return ordered.map((tap, index) => ({ ...tap, outcome: outcomes[index]?.outcome }));
      }),
    );

    for (const [round, { userId, id }] of rounds.entries()) {
      const taps = results[round] ?? [];
      const claimers = taps.filter((tap) => tap.what === 'claim' && tap.outcome === 'applied').map((tap) => tap.admin);
      const [row] = await h.db.query<{ status: string; claimed_by_telegram_id: string | null }>('SELECT status, claimed_by_telegram_id FROM cash_withdrawals WHERE id = $1', [id]);
      if (row?.status === 'declined') {
        // Declined before anyone claimed it: nobody may pay it out, and the cedis are back.
        expect(claimers, `round ${round}`).toEqual([]);
        expect(await ledgerOf('withdrawal', id)).toEqual([...RESERVED, 'withdrawal_released cedis_reserved', 'withdrawal_released cedis_available']);
        expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '300.00', escrow_balance: '0.00' });
        continue;
      }
      // Claimed by one admin, who alone can pay it (now, or afterwards if their Paid came before their claim).
      expect(claimers, `round ${round}`).toHaveLength(1);
      const holder = claimers[0] ?? ADMIN;
      const other = holder === ADMIN ? ESI : ADMIN;
      expect(row?.claimed_by_telegram_id).toBe(String(holder.id));
      expect(taps.filter((tap) => tap.what === 'decline').map((tap) => tap.outcome)).not.toContain('applied');
      expect(taps.find((tap) => tap.admin === other && tap.what === 'paid')?.outcome).not.toBe('applied');
      if (row?.status === 'pending') {
        expect((await decline(id, other)).outcome).toBe('claimed');
        expect((await paid(id, other)).outcome).toBe('claimed');
        expect((await paid(id, holder, `MP-${round}-${holder.id}`)).outcome).toBe('applied');
      }
      expect(await ledgerOf('withdrawal', id)).toEqual(PAID);
      const [paidRow] = await h.db.query<{ payout_reference: string }>('SELECT payout_reference FROM cash_withdrawals WHERE id = $1', [id]);
      expect(paidRow?.payout_reference).toBe(`MP-${round}-${holder.id}`);
      expect(await walletOf(h.db, userId)).toMatchObject({ balance_cedis: '0.00', escrow_balance: '0.00' });
      expect(await invariantViolations(h.db, { userIds: [userId] })).toEqual([]);
    }
  });

  it('answers an Approve on a withdrawal already paid or declined as decided, not with "claim it first"', async () => {
    const paidOut = await pendingWithdrawal('100');
    expect((await claim(paidOut.id, ADMIN)).outcome).toBe('applied');
    expect((await paid(paidOut.id, ADMIN)).outcome).toBe('applied');
    expect((await h.services.approvals.decide({ kind: 'withdrawal', id: paidOut.id, action: 'approve', from: ESI })).outcome).toBe('already_decided');
    const declined = await pendingWithdrawal('100');
    expect((await decline(declined.id, ADMIN)).outcome).toBe('applied');
    expect((await h.services.approvals.decide({ kind: 'withdrawal', id: declined.id, action: 'approve', from: ESI })).outcome).toBe('already_decided');
  });

  it('lets only the claimer release it; another admin takes it over, each step audited', async () => {
    const { id } = await pendingWithdrawal('120');
    expect((await paid(id, ADMIN)).outcome).toBe('not_claimed');
    expect((await claim(id, ESI)).outcome).toBe('applied');
    expect(await claim(id, ADMIN)).toMatchObject({ outcome: 'held', claim: { adminTelegramId: ESI.id, by: 'Esi Boateng' } });
    expect((await h.services.approvals.release({ kind: 'withdrawal', id, from: ADMIN })).outcome).toBe('held');
    expect((await h.services.approvals.release({ kind: 'withdrawal', id, from: ESI })).outcome).toBe('applied');
    expect((await h.services.approvals.release({ kind: 'withdrawal', id, from: ESI })).outcome).toBe('not_held');
    expect((await claim(id, ESI)).outcome).toBe('applied');
    // A take-over names the claim it takes: one confirmed against an older claim takes nothing.
    expect((await h.services.approvals.takeOver({ kind: 'withdrawal', id, from: ADMIN, holder: 12345 })).outcome).toBe('held');
    expect(await h.services.approvals.takeOver({ kind: 'withdrawal', id, from: ADMIN, holder: ESI.id })).toMatchObject({ outcome: 'applied', from: 'Esi Boateng' });
    expect((await paid(id, ESI)).outcome).toBe('claimed');
    expect((await paid(id, ADMIN, 'GCB-778812')).outcome).toBe('applied');
    expect(await auditOf('withdrawal', id)).toEqual([
      { action: 'claim', admin_name: 'Esi Boateng' },
      { action: 'release', admin_name: 'Esi Boateng' },
      { action: 'claim', admin_name: 'Esi Boateng' },
      { action: 'take_over', admin_name: 'Admin' },
      { action: 'approve', admin_name: 'Admin' },
    ]);
    const [notice] = await h.db.query<{ message: string }>("SELECT message FROM notifications WHERE notification_type = 'WITHDRAWAL_PAID' ORDER BY id DESC LIMIT 1");
    expect(notice?.message).toContain('Payout reference: GCB-778812');
  });

  it('reminds the holder of a claim left 30 minutes, once per 30 minutes', async () => {
    const { id } = await pendingWithdrawal('80');
    expect((await claim(id, ESI)).outcome).toBe('applied');
    h.advance(29 * 60_000);
    expect((await h.services.approvals.claimsToRemind(h.now())).filter((due) => due.id === id)).toEqual([]);
    h.advance(2 * 60_000);
    const [due, again] = await Promise.all([h.services.approvals.claimsToRemind(h.now()), h.services.approvals.claimsToRemind(h.now())]);
    expect([...(due ?? []), ...(again ?? [])].filter((reminder) => reminder.id === id)).toMatchObject([{ kind: 'withdrawal', holder: { telegramId: ESI.id, name: 'Esi Boateng' } }]);
    h.advance(10 * 60_000);
    expect((await h.services.approvals.claimsToRemind(h.now())).filter((reminder) => reminder.id === id)).toEqual([]);
    h.advance(25 * 60_000);
    expect((await h.services.approvals.claimsToRemind(h.now())).filter((reminder) => reminder.id === id)).toHaveLength(1);
  });
});

describe('a second approval above the threshold', () => {
  async function pendingDeposit(amount: string): Promise<{ userId: number; id: number }> {
    const userId = await createMoneyUser(h.db);
    const id = createdId(await h.services.wallet.createDeposit({ userId, amount, method: 'momo', reference: newReference('DEP'), proof: null }));
    return { userId, id };
  }
  const approve = (id: number, from: Admin, kind = 'deposit') => h.services.approvals.decide({ kind, id, action: 'approve', from });

  it('moves nothing for the same admin twice, and once for two different admins', async () => {
    await h.db.query('UPDATE settings SET second_approval_above_ghs = 1000');
    const { userId, id } = await pendingDeposit('1000');
    expect(await approve(id, ADMIN)).toMatchObject({ outcome: 'approval_recorded', card: { approvals: { required: 2, by: ['Admin'] } } });
    expect((await approve(id, ADMIN)).outcome).toBe('already_approved_by_you');
    expect(await ledgerOf('deposit', id)).toEqual([]);
    expect((await approve(id, ESI)).outcome).toBe('applied');
    expect((await approve(id, ESI)).outcome).toBe('already_decided');
    expect(await ledgerOf('deposit', id)).toEqual(['deposit_approved cedis_available']);
    expect((await walletOf(h.db, userId)).balance_cedis).toBe('1000.00');
    expect((await auditOf('deposit', id)).map((entry) => `${entry.action} ${entry.admin_name}`)).toEqual(['sign_off Admin', 'approve Esi Boateng']);
  });

  it('counts two admins approving at the same moment as two, and applies it once', async () => {
    await h.db.query('UPDATE settings SET second_approval_above_ghs = 500');
    const deposits = await Promise.all(Array.from({ length: 5 }, () => pendingDeposit('750')));
    const outcomes = await Promise.all(deposits.map(({ id }) => Promise.all([approve(id, ADMIN), approve(id, ESI), approve(id, ADMIN), approve(id, ESI)])));
    for (const [index, { id }] of deposits.entries()) {
      const applied = (outcomes[index] ?? []).filter((result) => result.outcome === 'applied');
      expect(applied).toHaveLength(1);
      expect(await ledgerOf('deposit', id)).toEqual(['deposit_approved cedis_available']);
    }
  });

  it('needs one admin below the threshold, and for a decline', async () => {
    await h.db.query('UPDATE settings SET second_approval_above_ghs = 1000');
    const below = await pendingDeposit('999.99');
    expect((await approve(below.id, ADMIN)).outcome).toBe('applied');
    const above = await pendingDeposit('5000');
    expect((await h.services.approvals.decide({ kind: 'deposit', id: above.id, action: 'decline', from: ADMIN, reason: 'Payment not received' })).outcome).toBe('applied');
    expect(await ledgerOf('deposit', below.id)).toEqual(['deposit_approved cedis_available']);
  });

  it('forgets the approvals given before a decline when the request is re-opened', async () => {
    await h.db.query('UPDATE settings SET second_approval_above_ghs = 1000');
    const { id } = await pendingDeposit('2000');
    expect((await approve(id, ADMIN)).outcome).toBe('approval_recorded');
    expect((await h.services.approvals.decide({ kind: 'deposit', id, action: 'decline', from: ESI, reason: 'Payment not received' })).outcome).toBe('applied');
    expect((await h.services.approvals.decide({ kind: 'deposit', id, action: 'reopen', from: ESI, reason: 'The transfer arrived late' })).outcome).toBe('applied');
    // Esi's is the first approval of the re-opened request, not the second with Admin's from before the decline.
    expect(await approve(id, ESI)).toMatchObject({ outcome: 'approval_recorded', card: { approvals: { required: 2, by: ['Esi Boateng'] } } });
    expect(await ledgerOf('deposit', id)).toEqual([]);
    expect((await approve(id, ADMIN)).outcome).toBe('applied');
    expect(await ledgerOf('deposit', id)).toEqual(['deposit_approved cedis_available']);
  });

  it('lets nobody claim a payout before two admins have approved it, then one claims and pays it', async () => {
    const { id } = await pendingWithdrawal('200');
    await h.db.query('UPDATE settings SET second_approval_above_ghs = 200');
    expect((await claim(id, ADMIN)).outcome).toBe('needs_approvals');
    expect((await approve(id, ADMIN, 'withdrawal')).outcome).toBe('approval_recorded');
    expect((await h.services.approvals.decide({ kind: 'withdrawal', id, action: 'approve', from: ADMIN })).outcome).toBe('already_approved_by_you');
    expect((await claim(id, ADMIN)).outcome).toBe('needs_approvals');
    expect((await h.services.approvals.decide({ kind: 'withdrawal', id, action: 'approve', from: ESI })).outcome).toBe('approval_recorded');
    expect((await h.services.approvals.decide({ kind: 'withdrawal', id, action: 'approve', from: ESI })).outcome).toBe('already_approved_by_you');
    expect(await ledgerOf('withdrawal', id)).toEqual(RESERVED);
    expect((await claim(id, ESI)).outcome).toBe('applied');
    expect((await paid(id, ESI)).outcome).toBe('applied');
    expect((await auditOf('withdrawal', id)).map((entry) => entry.action)).toEqual(['sign_off', 'sign_off', 'claim', 'approve']);
    expect(await ledgerOf('withdrawal', id)).toEqual(PAID);
  });
});

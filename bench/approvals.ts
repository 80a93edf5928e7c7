// Benchmark 2: concurrent approvals (status change, wallet, ledger rows, notification, audit) per second, against
// single-row UPDATE transactions per second on the same database, pool and concurrency.
import { fileURLToPath } from 'node:url';
import { newReference } from '../src/services/common/references.ts';
import { BENCH_ADMIN, seedVerifiedUsers, singleRowUpdatesPerSecond, startBenchDatabase, timed } from './support/database.ts';

const REQUESTS = 1000;
/** As many workers as the pool has connections (10), as the bot's handlers would be at full load. */
const CONCURRENCY = 10;

export interface ApprovalFigures {
  approvalsPerSecond: number;
  updatesPerSecond: number;
}

export async function benchApprovals(log: (line: string) => void): Promise<ApprovalFigures> {
  const bench = await startBenchDatabase({ maxPoolSize: CONCURRENCY });
  try {
    const { services } = bench;
    const users = await seedVerifiedUsers(bench, REQUESTS, 6_000_000);
    const deposits: number[] = [];
    for (const userId of users) {
      const created = await services.wallet.createDeposit({ userId, amount: '250.00', method: 'momo', reference: newReference('DEP'), proof: null });
      if (created.status !== 'created') throw new Error(`deposit: ${created.status}`);
      deposits.push(created.id);
    }
    log(`seeded ${REQUESTS} pending deposits`);

    const updatesPerSecond = await singleRowUpdatesPerSecond(bench, users);
    const cpuBefore = process.cpuUsage();
    const approvalsMs = await timed(REQUESTS, CONCURRENCY, async (index) => {
      const decision = await services.approvals.decide({ kind: 'deposit', id: deposits[index] ?? 0, action: 'approve', from: BENCH_ADMIN });
      if (decision.outcome !== 'applied') throw new Error(`approve: ${decision.outcome}`);
    });
    const cpu = process.cpuUsage(cpuBefore);
    log(`bench process CPU during approvals: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of ${approvalsMs.toFixed(0)} ms`);
    const figures = { approvalsPerSecond: (REQUESTS / approvalsMs) * 1000, updatesPerSecond };
    log(`approvals ${figures.approvalsPerSecond.toFixed(0)}/s, single-row updates ${figures.updatesPerSecond.toFixed(0)}/s`);
    return figures;
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchApprovals((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}

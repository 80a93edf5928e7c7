// Benchmark 2: concurrent approvals (status change, wallet, ledger rows, notification, audit) per second, against
// single-row UPDATE transactions per second on the same database, pool and concurrency.
import { fileURLToPath } from 'node:url';
import type { Interceptor } from 'slonik';
import { newReference } from '../src/services/common/references.ts';
import { BENCH_ADMIN, seedVerifiedUsers, singleRowUpdatesMs, startBenchDatabase, timed, type BenchDatabase } from './support/database.ts';
import { statementRecorder } from './support/explain.ts';

const REQUESTS = 1000;
/** As many workers as the pool has connections (10), as the bot's handlers would be at full load. */
const CONCURRENCY = 10;
/**
 * The approvals and the baseline's updates alternate in rounds (100 of each), so both meet the same load: on a
 * shared machine the other work comes and goes within a run, and a baseline measured once before would not.
 */
const ROUNDS = 10;

export interface ApprovalFigures {
  approvalsPerSecond: number;
  updatesPerSecond: number;
  /** What one approval sends, counted on the pool: statements (BEGIN and COMMIT not included) and connections taken. */
  statementsPerApproval: number;
  connectionsPerApproval: number;
}

async function approve(bench: BenchDatabase, id: number): Promise<void> {
  const decision = await bench.services.approvals.decide({ kind: 'deposit', id, action: 'approve', from: BENCH_ADMIN });
  if (decision.outcome !== 'applied') throw new Error(`approve: ${decision.outcome}`);
}

export async function benchApprovals(log: (line: string) => void): Promise<ApprovalFigures> {
  const recorder = statementRecorder();
  let connections = 0;
  const connectionCounter: Interceptor = {
    name: 'bench-connection-counter',
    beforePoolConnection: () => {
      connections += 1;
      return null;
    },
  };
  const bench = await startBenchDatabase({ maxPoolSize: CONCURRENCY, interceptors: [recorder.interceptor, connectionCounter] });
  try {
    const { services } = bench;
    // One more than measured: the first is approved alone, to count what an approval sends.
    const users = await seedVerifiedUsers(bench, REQUESTS + 1, 6_000_000);
    const deposits: number[] = [];
    for (const userId of users) {
      const created = await services.wallet.createDeposit({ userId, amount: '250.00', method: 'momo', reference: newReference('DEP'), proof: null });
      if (created.status !== 'created') throw new Error(`deposit: ${created.status}`);
      deposits.push(created.id);
    }
    log(`seeded ${REQUESTS + 1} pending deposits`);

    connections = 0;
    const statements = await recorder.record(() => approve(bench, deposits[REQUESTS] ?? 0));
    const connectionsPerApproval = connections;

    const perRound = REQUESTS / ROUNDS;
    let approvalsMs = 0;
    let updatesMs = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      updatesMs += await singleRowUpdatesMs(bench, users, perRound, round * perRound);
      approvalsMs += await timed(perRound, CONCURRENCY, (index) => approve(bench, deposits[round * perRound + index] ?? 0));
    }
    const figures = {
      approvalsPerSecond: (REQUESTS / approvalsMs) * 1000,
      updatesPerSecond: (REQUESTS / updatesMs) * 1000,
      statementsPerApproval: statements.length,
      connectionsPerApproval,
    };
    log(`approvals ${figures.approvalsPerSecond.toFixed(0)}/s, single-row updates ${figures.updatesPerSecond.toFixed(0)}/s (${(figures.approvalsPerSecond / figures.updatesPerSecond * 100).toFixed(1)}%)`);
    return figures;
  } finally {
    await bench.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchApprovals((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}

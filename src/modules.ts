import { accountsModule } from './features/accounts/index.ts';
import { adminModule } from './features/admin/index.ts';
import { analyticsModule } from './features/analytics/index.ts';
import { approvalsModule } from './features/approvals/index.ts';
import { giftcardsModule } from './features/giftcards/index.ts';
import { kycModule } from './features/kyc/index.ts';
import { marketModule } from './features/market/index.ts';
import type { BotModule, Kernel } from './features/module.ts';
import { paystackModule } from './features/paystack/index.ts';
import { notificationsModule } from './features/notifications/index.ts';
import { ratesModule } from './features/rates/index.ts';
import { supportModule } from './features/support/index.ts';
import { tradingModule } from './features/trading/index.ts';
import { tutorialsModule } from './features/tutorials/index.ts';
import { walletModule } from './features/wallet/index.ts';
import { createApprovalService } from './services/approvals/approvals.ts';
import { createSharedServices, type ServiceDependencies, type SharedServices } from './services/index.ts';
import { createPaystackClient } from './services/paystack/client.ts';
import { createPaystackService, type PaystackService } from './services/paystack/paystack.ts';
import { createDepositKind, createWithdrawalKind } from './services/wallet/approvalKinds.ts';
import { createPaystackPayouts } from './services/paystack/payouts.ts';
import { createTradeKind } from './services/trading/approvalKinds.ts';
import { createHistoryService } from './services/wallet/history.ts';
import { createPaymentService } from './services/wallet/payments.ts';

/**
 * The product's domains. Adding one: a folder in features/, scenes/ and services/ (plus its db/ files and a
 * migration), then one line here. Handlers run in this order, after the conversations of all of them.
 */
export const MODULES = [
  accountsModule,
  kycModule,
  walletModule,
  paystackModule,
  tradingModule,
  giftcardsModule,
  marketModule,
  ratesModule,
  approvalsModule,
  adminModule,
  notificationsModule,
  supportModule,
  tutorialsModule,
  analyticsModule,
] as const;

type Modules = (typeof MODULES)[number];
type ServicesOf<M> = M extends BotModule<string, infer S> ? S : never;

/** Each module's own services under its name: `services.trading`, `services.kyc` … */
export type ModuleServices = {
  [M in Modules as undefined extends ServicesOf<M> ? never : M['name']]: ServicesOf<M>;
};

/** Every service of the product: the kernel (shared services and registries) and each module's own. */
export type AppServices = Kernel & ModuleServices;

export function createServices(deps: ServiceDependencies, modules: readonly BotModule[] = MODULES): AppServices {
  const shared = createSharedServices(
    deps,
    modules.flatMap((module) => module.settingFields ?? []),
  );
  const own = Object.fromEntries(
    modules.flatMap((module) => (module.services ? [[module.name, module.services(shared)]] : [])),
  ) as ModuleServices;
  const kernel: Kernel = {
    ...shared,
    approvals: createApprovalService({
      pool: shared.pool,
      admins: shared.admins,
      kinds: modules.flatMap((module) => module.approvalKinds?.(shared) ?? []),
      clock: shared.clock,
    }),
    history: createHistoryService({ pool: shared.pool, sources: modules.flatMap((module) => module.history?.sources ?? []) }),
    payments: createPaymentService(shared),
    paystack: createPaystack(shared),
  };
  return { ...kernel, ...own };
}

/** Paystack when its key is set; its credits go through the deposit's own approval, with Paystack as the approver. */
function createPaystack(shared: SharedServices): PaystackService | null {
  const config = shared.config.paystack;
  if (!config) return null;
  const client = createPaystackClient(config);
  return createPaystackService({
    ...shared,
    client,
    secretKey: config.secretKey,
    kinds: { deposit: createDepositKind(shared.clock), buy: createTradeKind('buy', shared) },
    payouts: createPaystackPayouts({ ...shared, client, withdrawalKind: createWithdrawalKind(shared.clock) }),
  });
}

/** Each module's shutdown task (buffers written before the pool closes), in module order. */
export async function runStopTasks(services: AppServices, modules: readonly BotModule[] = MODULES): Promise<void> {
  for (const module of modules) {
    await module.onStop?.((services as unknown as Record<string, unknown>)[module.name]);
  }
}

/** Each module's start-up task (starter content and the like), in module order. */
export async function runStartTasks(services: AppServices, modules: readonly BotModule[] = MODULES): Promise<void> {
  for (const module of modules) {
    await module.onStart?.((services as unknown as Record<string, unknown>)[module.name], services);
  }
}

import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createDepositConversation, DEPOSIT } from '../../scenes/wallet/deposit.ts';
import { createWithdrawConversation, WITHDRAW } from '../../scenes/wallet/withdraw.ts';
import { createDepositKind, createWithdrawalKind } from '../../services/wallet/approvalKinds.ts';
import { createWalletService, walletHistory } from '../../services/wallet/wallet.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';
import { depositCardView, withdrawalCardView } from './cards.ts';
import { historyPaging, showHistory, type HistoryDeps } from './historyCommand.ts';
import { paymentReports } from './paymentReports.ts';
import { orderPaging, showOrders } from './ordersCommand.ts';
import { showWallet } from './walletCommand.ts';

/** Wallet: balances, cedi deposits and withdrawals by momo or bank, the history of every request, and /orders. */
export const walletModule = defineModule({
  name: 'wallet',
  services: (shared) => createWalletService({ ...shared, prices: shared.rates }),
  commands: [
    { command: 'wallet', description: 'Your balances', position: 20, button: '💰 Wallet' },
    { command: 'deposit', description: 'Add cedis to your wallet', position: 50, button: '⬇️ Deposit' },
    { command: 'withdraw', description: 'Send cedis to your momo or bank', position: 60, button: '⬆️ Withdraw' },
    { command: 'orders', description: 'Your orders and their status', position: 66, button: '📦 Orders' },
    { command: 'history', description: 'Your requests and their status', position: 70, button: '🧾 History' },
  ],
  approvalKinds: (shared) => [createDepositKind(shared.clock), createWithdrawalKind(shared.clock, shared.config.paystack !== undefined)],
  cardViews: [depositCardView, withdrawalCardView],
  history: { sources: walletHistory, labels: { deposit: '⬇️ Deposit', withdrawal: '⬆️ Withdrawal' } },
  telegram(deps) {
    const { kernel } = deps;
    const composer = new Composer<BotContext>();
    const history: HistoryDeps = { history: kernel.history, asset: kernel.asset, kindLabels: deps.historyLabels };
    deps.menu.handle(composer, 'wallet', (ctx) => showWallet(ctx, deps.services, kernel.asset));
    deps.menu.handle(composer, 'history', (ctx) => showHistory(ctx, history));
    composer.use(historyPaging(history));
    composer.use(paymentReports({ payments: kernel.payments, download: deps.download, cards: deps.cards }));
    deps.menu.handle(composer, 'orders', (ctx) => showOrders(ctx, deps.orderLists()));
    composer.use(orderPaging(() => deps.orderLists()));
    const enterIfAllowed = (flow: string) => async (ctx: BotContext) => {
      if (await mayMoveMoney(ctx, kernel.access)) await ctx.conversation.enter(flow);
    };
    deps.menu.handle(composer, 'deposit', enterIfAllowed(DEPOSIT));
    deps.menu.handle(composer, 'withdraw', enterIfAllowed(WITHDRAW));
    const sceneDeps = { ...kernel, wallet: deps.services, download: deps.download, cards: deps.cards };
    return {
      composer,
      conversations: [
        { name: DEPOSIT, builder: createDepositConversation(sceneDeps), showsPayment: true },
        { name: WITHDRAW, builder: createWithdrawConversation(sceneDeps) },
      ],
    };
  },
});


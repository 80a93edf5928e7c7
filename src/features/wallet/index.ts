import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createDepositConversation, DEPOSIT } from '../../scenes/wallet/deposit.ts';
import { createWithdrawConversation, WITHDRAW } from '../../scenes/wallet/withdraw.ts';
import { createNetworkEditConversation, NETWORK_EDIT } from '../../scenes/wallet/networkEdit.ts';
import { createDepositKind, createWithdrawalKind } from '../../services/wallet/approvalKinds.ts';
import { createCryptoDepositKind, createCryptoWithdrawalKind } from '../../services/wallet/cryptoApprovalKinds.ts';
import { createCryptoNetworkService, NETWORK_FIELDS } from '../../services/wallet/cryptoNetworkSettings.ts';
import { createCryptoWalletService } from '../../services/wallet/cryptoWallet.ts';
import { createWalletService, walletHistory } from '../../services/wallet/wallet.ts';
import type { SharedServices } from '../../services/index.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';
import { depositCardView, withdrawalCardView } from './cards.ts';
import { cryptoDepositCardView, cryptoWithdrawalCardView } from './cryptoCards.ts';
import { cryptoTransferList } from './cryptoOrderList.ts';
import { FIELD_LABELS, NETWORK_CALLBACK, showNetwork, showNetworks } from './networksCommand.ts';
import { historyPaging, showHistory, type HistoryDeps } from './historyCommand.ts';
import { paymentReports } from './paymentReports.ts';
import { orderPaging, showOrders } from './ordersCommand.ts';
import { showWallet } from './walletCommand.ts';

/** The wallet's services: cedis in and out, the crypto networks, and crypto to and from the user's own wallet. */
function createWalletServices(shared: SharedServices) {
  const networks = createCryptoNetworkService(shared);
  const crypto = createCryptoWalletService({ ...shared, prices: shared.rates, networks });
  return Object.assign(createWalletService({ ...shared, prices: shared.rates }), { networks, crypto });
}

/**
 * Wallet: balances, cedi deposits and withdrawals by momo or bank, the asset to and from the user's own wallet on
 * the networks admins open (/networks), the history of every request, and /orders.
 */
export const walletModule = defineModule({
  name: 'wallet',
  services: createWalletServices,
  commands: [
    { command: 'wallet', description: 'Your balances', position: 20, button: '💰 Wallet' },
    { command: 'deposit', description: 'Add cedis to your wallet', position: 50, button: '⬇️ Deposit' },
    { command: 'withdraw', description: 'Send cedis to your momo or bank', position: 60, button: '⬆️ Withdraw' },
    { command: 'orders', description: 'Your orders and their status', position: 66, button: '📦 Orders' },
    { command: 'history', description: 'Your requests and their status', position: 70, button: '🧾 History' },
    { command: 'networks', description: 'Crypto networks: on or off, deposit addresses, fees', position: 232, adminOnly: true, settingsButton: '🔗 Crypto networks' },
  ],
  approvalKinds: (shared) => [
    createDepositKind(shared.clock),
    createWithdrawalKind(shared.clock, shared.config.paystack !== undefined),
    createCryptoWithdrawalKind(shared.clock, shared.rates),
    createCryptoDepositKind(shared.clock, shared.rates, shared.asset),
  ],
  cardViews: [depositCardView, withdrawalCardView, cryptoWithdrawalCardView, cryptoDepositCardView],
  history: {
    sources: walletHistory,
    labels: { deposit: '⬇️ Deposit', withdrawal: '⬆️ Withdrawal', crypto_withdrawal: '🪙 Crypto withdrawal', crypto_deposit: '🪙 Crypto deposit' },
  },
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
    const { networks, crypto } = deps.services;
    const admin = { admins: kernel.admins, adminChatId: deps.config.adminChatId };
    deps.menu.handle(composer, 'networks', (ctx) => showNetworks(ctx, networks, kernel.asset));
    composer.callbackQuery(NETWORK_CALLBACK, (ctx) =>
      asAdmin(ctx, admin, async () => {
        const [, name = '', action, field = ''] = ctx.match;
        const network = await networks.find(name);
        if (!network || !ctx.from) {
          await ctx.answerCallbackQuery();
          await showNetworks(ctx, networks, kernel.asset);
          return;
        }
        if (action === 'e' && (NETWORK_FIELDS as readonly string[]).includes(field)) {
          await ctx.answerCallbackQuery({ text: 'Type the new value in the chat.' });
          await ctx.conversation.enter(NETWORK_EDIT, network.network, field);
          return;
        }
        if (action === 'on' || action === 'off') {
          const changed = await networks.setEnabled(network.network, action === 'on', ctx.from);
          await ctx.answerCallbackQuery(changed.ok ? { text: `${network.name} is ${action} now.` } : { text: changed.reason, show_alert: true });
          if (changed.ok) await showNetwork(ctx, changed.value, kernel.asset);
          return;
        }
        await ctx.answerCallbackQuery();
        await showNetwork(ctx, network, kernel.asset);
      }),
    );
    const sceneDeps = { ...kernel, wallet: deps.services, networks, crypto, download: deps.download, cards: deps.cards };
    return {
      composer,
      orderLists: [cryptoTransferList(crypto)],
      conversations: [
        { name: DEPOSIT, builder: createDepositConversation(sceneDeps), showsPayment: true },
        { name: WITHDRAW, builder: createWithdrawConversation(sceneDeps) },
        { restartCommand: 'networks', name: NETWORK_EDIT, builder: createNetworkEditConversation({ networks, asset: kernel.asset, labels: FIELD_LABELS }) },
      ],
    };
  },
});


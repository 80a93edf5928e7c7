import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { DEPOSIT, WITHDRAW } from '../scenes/cash.ts';
import { pausedText, refusalText } from '../scenes/money.ts';
import { BUY, SELL } from '../scenes/trade.ts';
import type { Services } from '../services/index.ts';
import { formatCrypto, formatGhs } from '../services/money.ts';
import type { HistoryRow } from '../services/wallet.ts';
import { editQuietly } from '../telegram/errors.ts';
import { formatDateTime } from '../ui/format.ts';
import { html, joinHtml } from '../ui/html.ts';
import { commandOrButton } from './commands.ts';

const FLOWS = { buy: BUY, sell: SELL, deposit: DEPOSIT, withdraw: WITHDRAW } as const;
type Flow = keyof typeof FLOWS;

const WALLET_ACTION = /^w:(buy|sell|deposit|withdraw|history)$/;
const HISTORY_PAGE = /^hist:(\d+)$/;

const KIND_LABEL: Record<HistoryRow['kind'], string> = { buy: '🟢 Buy', sell: '🔴 Sell', deposit: '⬇️ Deposit', withdrawal: '⬆️ Withdrawal' };
const STATUS_LABEL: Record<string, string> = { pending: '⏳ pending', approved: '✅ done', declined: '❌ declined' };

/** The wallet, the history, and the entry to every money flow (each checks the user may move money first). */
export function moneyFeature(services: Services): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const privateChats = feature.chatType('private');
  const asset = services.asset;

  async function startFlow(ctx: BotContext, flow: Flow): Promise<void> {
    const user = ctx.appUser;
    if (!user) {
      await ctx.reply('Please register first: send /start. It takes about two minutes.');
      return;
    }
    const refusal = await services.access.refusal(user.id);
    if (refusal) {
      await ctx.reply(refusalText(refusal));
      return;
    }
    if (flow === 'buy' || flow === 'sell') {
      const price = await services.rates.currentPrice();
      if (!price || price.stale) {
        await ctx.reply(pausedText(price?.fetchedAt ?? null));
        return;
      }
    }
    await ctx.conversation.enter(FLOWS[flow]);
  }

  async function showWallet(ctx: BotContext): Promise<void> {
    const user = ctx.appUser;
    const wallet = user ? await services.wallet.summary(user.id) : null;
    if (!wallet) {
      await ctx.reply('Please register first: send /start. It takes about two minutes.');
      return;
    }
    const value = wallet.cryptoValueGhs
      ? html`Your ${asset} is worth about <b>${formatGhs(wallet.cryptoValueGhs)}</b> at today's sell rate.`
      : html`The ${asset} price is not available right now.`;
    const keyboard = new InlineKeyboard()
      .text('🟢 Buy', 'w:buy')
      .text('🔴 Sell', 'w:sell')
      .row()
      .text('⬇️ Deposit', 'w:deposit')
      .text('⬆️ Withdraw', 'w:withdraw')
      .row()
      .text('🧾 History', 'w:history');
    await ctx.reply(
      html`💰 <b>Your wallet</b>

Cedis: <b>${formatGhs(wallet.cedisAvailable)}</b> available · ${formatGhs(wallet.cedisReserved)} reserved
${asset}: <b>${formatCrypto(wallet.cryptoAvailable, asset)}</b> available · ${formatCrypto(wallet.cryptoReserved, asset)} reserved
${value}

Reserved money belongs to your requests that are waiting for our team.`.value,
      { reply_markup: keyboard },
    );
  }

  async function historyMessage(userId: number, page: number) {
    const history = await services.wallet.history(userId, page);
    if (history.rows.length === 0) return { text: html`🧾 You have no requests yet. Tap 🟢 Buy or ⬇️ Deposit to start.`, keyboard: undefined };
    const lines = history.rows.map((row) => {
      const amount = row.crypto_amount
        ? html`${formatGhs(row.cedis_amount)} ${row.kind === 'buy' ? '→' : '←'} ${formatCrypto(row.crypto_amount, asset)}`
        : html`${formatGhs(row.cedis_amount)}`;
      return html`${KIND_LABEL[row.kind]} <code>${row.reference}</code>\n${amount} · ${STATUS_LABEL[row.status] ?? row.status} · ${formatDateTime(row.created_at)}`;
    });
    const keyboard = new InlineKeyboard();
    if (history.page > 0) keyboard.text('◀️ Newer', `hist:${history.page - 1}`);
    if (history.page < history.pages - 1) keyboard.text('Older ▶️', `hist:${history.page + 1}`);
    return {
      text: html`🧾 <b>Your history</b> (page ${history.page + 1} of ${history.pages})\n\n${joinHtml(lines, '\n\n')}`,
      keyboard: keyboard.inline_keyboard.flat().length > 0 ? keyboard : undefined,
    };
  }

  async function showHistory(ctx: BotContext): Promise<void> {
    if (!ctx.appUser) {
      await ctx.reply('Please register first: send /start.');
      return;
    }
    const { text, keyboard } = await historyMessage(ctx.appUser.id, 0);
    await ctx.reply(text.value, keyboard ? { reply_markup: keyboard } : {});
  }

  privateChats.filter(commandOrButton('wallet'), showWallet);
  privateChats.filter(commandOrButton('history'), showHistory);
  for (const flow of Object.keys(FLOWS) as Flow[]) privateChats.filter(commandOrButton(flow), (ctx) => startFlow(ctx, flow));

  privateChats.callbackQuery(WALLET_ACTION, async (ctx) => {
    await ctx.answerCallbackQuery();
    const action = ctx.match[1];
    if (action === 'history') await showHistory(ctx);
    else await startFlow(ctx, action as Flow);
  });
  privateChats.callbackQuery(HISTORY_PAGE, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!ctx.appUser) return;
    const { text, keyboard } = await historyMessage(ctx.appUser.id, Number(ctx.match[1]));
    await editQuietly(ctx.editMessageText(text.value, keyboard ? { reply_markup: keyboard } : {}));
  });
  return feature;
}

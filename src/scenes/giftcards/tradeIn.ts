import type { BotConversation, ConversationContext } from '../../context.ts';
import { formatGhs, formatMoney } from '../../services/common/amounts.ts';
import { newReference } from '../../services/common/references.ts';
import { invalid, valid, type Checked } from '../../services/common/validation.ts';
import type { CardOffer, TradeInResult } from '../../services/giftcards/orders.ts';
import { checkCardCode, describeRate, maskCode, MAX_PROOFS, payoutFor } from '../../services/giftcards/rules.ts';
import { html } from '../../telegram/html.ts';
import { refusalText } from '../../telegram/refusals.ts';
import { sendCardOnItsWay } from '../ask/adminCard.ts';
import { ask, choose } from '../ask/ask.ts';
import { askPhoto, checkPhoto, type PhotoDeps, type PhotoRef } from '../ask/photos.ts';
import { currentUser } from '../ask/user.ts';
import { CARD_UNAVAILABLE, type GiftCardSceneDeps } from './deps.ts';
import { askFaceValue } from './faceValue.ts';

export const GIFT_CARD_TRADE_IN = 'giftcard-trade-in';

/** The e-code, typed (the message is deleted at once), or Skip for a physical card whose code is in the photos. */
function askCode(conversation: BotConversation, ctx: ConversationContext): Promise<string | null> {
  return ask(conversation, ctx, {
    text: html`🔑 Is it an e-code (e-mailed, or on a receipt)? Type the code, e.g. X7KQ-9M2P-4TZA. I delete your message at once and keep the code encrypted: only our team sees it.

A physical card? Tap <b>Skip</b>; the code will show in your photos.`,
    choices: [[{ label: '⏭ Skip', value: 'skip' }]],
    acceptsText: true,
    secret: true,
    check: (answer): Checked<string | null> => (answer.kind === 'button' ? valid(null) : checkCardCode(answer.kind === 'text' ? answer.text : '')),
  });
}

/** One to MAX_PROOFS photos, each checked as it arrives (stored only on Confirm). */
async function askProofs(conversation: BotConversation, ctx: ConversationContext, deps: PhotoDeps): Promise<PhotoRef[]> {
  const proofs = [
    await askPhoto(
      conversation,
      ctx,
      deps,
      html`📸 Send a clear photo of the card: the front, and the back with the code showing. You can send up to ${MAX_PROOFS} photos (a receipt helps too).`,
    ),
  ];
  while (proofs.length < MAX_PROOFS) {
    const next = await ask(conversation, ctx, {
      text: html`✅ Photo ${proofs.length} received. Send another (up to ${MAX_PROOFS}), or tap <b>Done</b>.`,
      choices: [[{ label: '✅ Done', value: 'done' }]],
      acceptsFile: true,
      acceptsText: false,
      check: async (answer): Promise<Checked<PhotoRef | 'done'>> => {
        if (answer.kind === 'button') return valid('done');
        if (answer.kind !== 'file') return invalid('Send another photo of the card, or tap Done.');
        return checkPhoto(conversation, deps, { fileId: answer.fileId, fileSize: answer.fileSize });
      },
    });
    if (next === 'done') break;
    proofs.push(next);
  }
  return proofs;
}

interface TradeIn {
  card: CardOffer;
  faceValue: string;
  code: string | null;
  proofs: readonly PhotoRef[];
  reference: string;
}

function summaryText(tradeIn: TradeIn, rate: string) {
  const { card, faceValue, code, proofs, reference } = tradeIn;
  return html`🎁 <b>Please check your trade-in</b>

Card: ${card.name}
Face value: ${formatMoney(faceValue, card.currency)}
Code: ${code === null ? 'none typed (in the photos)' : maskCode(code)}
Photos: ${proofs.length}
Rate: ${describeRate(rate, card.currency)}
You get: <b>${formatGhs(payoutFor(faceValue, rate))}</b> in your wallet once our team has checked the card
Reference: <code>${reference}</code>

Send it to our team?`;
}

/** Why a confirmed trade-in was not saved, and what to do next. */
function notSavedText(result: Exclude<TradeInResult, { status: 'created' } | { status: 'rate_changed' }>): string {
  switch (result.status) {
    case 'refused':
      return refusalText(result.refusal);
    case 'card_unavailable':
      return `We stopped taking this card just now, so nothing was saved. ${CARD_UNAVAILABLE}`;
    case 'invalid':
    case 'invalid_image':
      return `${result.reason} Nothing was saved; send /giftcards to start again.`;
  }
}

/**
 * A trade-in of one card: face value, optional e-code, proof photos, a summary with the payout, Confirm. The
 * order is created at the rate on the summary; when it changed meanwhile, the new payout is shown to confirm.
 */
export function createTradeInConversation(deps: GiftCardSceneDeps) {
  const { orders } = deps.giftcards;
  return async function giftCardTradeIn(conversation: BotConversation, ctx: ConversationContext, cardId: number): Promise<void> {
    const user = await currentUser(conversation);
    const card = await conversation.external(() => orders.offer(cardId));
    if (!user || !card) {
      await ctx.reply(user ? CARD_UNAVAILABLE : 'Please register first: send /start.');
      return;
    }
    const intro = html`💳 <b>Sell your ${card.name} card</b> at ${describeRate(card.rateBuy, card.currency)}. Send /cancel at any time to stop.`;
    const faceValue = await askFaceValue(conversation, ctx, orders, card, intro);
    const code = await askCode(conversation, ctx);
    const proofs = await askProofs(conversation, ctx, deps);
    const reference = await conversation.external(() => newReference('GC'));
    const tradeIn: TradeIn = { card, faceValue, code, proofs, reference };

    let rate = card.rateBuy;
    for (;;) {
      const decision = await choose(conversation, ctx, summaryText(tradeIn, rate), [[{ label: '✅ Confirm', value: 'confirm' }, { label: '❌ Cancel', value: 'cancel' }]]);
      if (decision === 'cancel') {
        await ctx.reply('Cancelled; nothing was saved. Send /giftcards whenever you are ready.');
        return;
      }
      const result = await conversation.external(async (outer): Promise<TradeInResult> => {
        const photos: Buffer[] = [];
        for (const proof of proofs) {
          const bytes = await deps.download(outer.api, proof.fileId, proof.fileSize);
          if (!bytes.ok) return { status: 'invalid_image', reason: bytes.reason };
          photos.push(bytes.value);
        }
        return orders.create({ userId: user.id, cardId: card.id, faceValue, quotedRate: rate, code, proofs: photos, reference });
      });
      if (result.status === 'rate_changed') {
        await ctx.reply(
          html`⚠️ The rate for ${card.name} changed from ${describeRate(rate, card.currency)} to ${describeRate(result.rateBuy, card.currency)}, so you would now get ${formatGhs(result.payoutGhs)}. Nothing was saved yet: please check and confirm again.`.value,
        );
        rate = result.rateBuy;
        continue;
      }
      if (result.status !== 'created') {
        await ctx.reply(notSavedText(result));
        return;
      }
      await ctx.reply(
        html`✅ Thank you! Your gift card <b>${result.reference}</b> is with our team. I'll message you as soon as it is checked; ${formatGhs(result.payoutGhs)} goes into your wallet when it is approved. See it any time in /orders.`.value,
      );
      await sendCardOnItsWay(conversation, deps);
      return;
    }
  };
}

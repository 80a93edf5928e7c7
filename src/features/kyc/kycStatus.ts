import type { BotContext } from '../../context.ts';
import type { KycService } from '../../services/kyc/kyc.ts';
import { KYC } from '../../scenes/kyc/kycConversation.ts';
import { firstTutorialKeyboard } from '../../scenes/tutorials/firstTutorial.ts';
import { formatDateTime } from '../../telegram/format.ts';
import { html } from '../../telegram/html.ts';

/** /kyc: where the user's verification stands, or the KYC conversation when there is something to submit. */
export async function showKycStatus(ctx: BotContext, kyc: KycService): Promise<void> {
  const user = ctx.appUser;
  if (!user) {
    await ctx.reply('Please register first: send /start. It takes about two minutes.');
    return;
  }
  const current = await kyc.current(user.id);
  if (current?.status === 'APPROVED') {
    await ctx.reply('✅ Your account is verified. You can buy and sell from the menu.');
    return;
  }
  if (current?.status === 'PENDING' || current?.status === 'UNDER_REVIEW') {
    const stage = current.status === 'UNDER_REVIEW' ? 'An admin is reviewing them now.' : 'They are waiting for an admin.';
    await ctx.reply(
      html`⏳ Your documents are being reviewed (sent ${formatDateTime(current.submitted_at)}). ${stage} I'll message you here when it's done.

Meanwhile, learn how buying, selling and your wallet work in /tutorials.`.value,
      { reply_markup: firstTutorialKeyboard() },
    );
    return;
  }
  const intro =
    current?.status === 'REJECTED'
      ? html`Your last submission was not accepted. Reason: <b>${current.rejection_reason ?? 'not given'}</b>\n\nLet's try again. You'll need your ID document and about three minutes. Send /cancel to stop at any time.`
      : html`🪪 <b>Verify your identity</b>\n\nThe law requires us to know who trades here. You'll need a Ghana Card, passport or driver's licence and about three minutes: the document details, photos of it, and a selfie. Send /cancel to stop at any time.`;
  await ctx.reply(intro.value);
  await ctx.conversation.enter(KYC);
}

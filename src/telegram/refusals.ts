import type { BotContext } from '../context.ts';
import type { MoneyAccess, MoneyRefusal } from '../services/accounts/moneyAccess.ts';
import type { AppUser } from '../services/accounts/users.ts';
import type { CreateResult } from '../services/wallet/requests.ts';
import { formatWhen } from './format.ts';

const REGISTER_FIRST = 'Please register first: send /start. It takes about two minutes.';

/** Why money cannot move, and what to do about it. */
export function refusalText(refusal: MoneyRefusal): string {
  switch (refusal.reason) {
    case 'not_registered':
      return REGISTER_FIRST;
    case 'inactive':
      return 'Your account is deactivated, so money cannot move. Contact support.';
    case 'kyc_required':
      return refusal.kycStatus === 'rejected'
        ? 'Your identity check was not accepted, so money cannot move yet. Send /kyc to submit your documents again.'
        : 'Money moves only for verified accounts. Send /kyc to verify your identity (if you already did, we are reviewing it and will message you).';
    case 'pin_locked':
      return `Money actions are locked until ${formatWhen(new Date(refusal.until))} after 5 wrong PINs. Please wait, then try again.`;
  }
}

/** The reply for a money request that was not created. */
export function notCreatedText(result: Exclude<CreateResult, { status: 'created' }>): string {
  switch (result.status) {
    case 'refused':
      return refusalText(result.refusal);
    case 'insufficient':
      return `Your available balance is no longer enough for this (another request may have reserved it). Nothing was done. Check /wallet and try again.`;
    case 'invalid_image':
      return `${result.reason} Nothing was saved; start again when you have the screenshot.`;
    case 'invalid':
      return `${result.reason} Nothing was saved.`;
    case 'expired':
      return 'Your quote expired before you confirmed. Nothing was done; please start again.';
  }
}

/** The registered user behind a tap on one of the bot's buttons; anyone else has the tap answered: register first. */
export async function tappedByRegistered(ctx: BotContext): Promise<AppUser | null> {
  if (!ctx.appUser) await ctx.answerCallbackQuery({ text: REGISTER_FIRST });
  return ctx.appUser;
}

/** Before a money flow starts: true when the user may move money, otherwise they are told why and what to do. */
export async function mayMoveMoney(ctx: BotContext, access: MoneyAccess): Promise<boolean> {
  const user = ctx.appUser;
  if (!user) {
    await ctx.reply(REGISTER_FIRST);
    return false;
  }
  const refusal = await access.refusal(user.id);
  if (refusal) await ctx.reply(refusalText(refusal));
  return refusal === null;
}

import { Keyboard } from 'grammy';
import type { BotConversation, ConversationContext } from '../../context.ts';
import { checkEmail, checkGhanaPhone, normaliseContactPhone } from '../../services/accounts/contactDetails.ts';
import { checkPinFormat } from '../../services/accounts/pin.ts';
import type { RegistrationService } from '../../services/accounts/registration.ts';
import { invalid, valid } from '../../services/common/validation.ts';
import type { CommandMenu } from '../../telegram/commands.ts';
import { html } from '../../telegram/html.ts';
import { ask, askPersonName, askText, choose } from '../ask/ask.ts';
import { firstTutorialKeyboard } from '../tutorials/firstTutorial.ts';

export const REGISTRATION = 'registration';

interface Details {
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  pinHash: string;
}

const TERMS = html`<b>Before we start: our terms</b>

• You must be 18 or older and use your own name, phone and ID.
• Every buy, sell, deposit and withdrawal is checked by our team before money moves.
• We verify your identity (KYC) before you can trade, as Ghanaian law requires.
• Your transaction PIN is yours alone: we will never ask for it.
• Crypto prices move; a quote is valid only for the time it shows.

Do you accept these terms?`;

/**
 * Registration: terms, e-mail, phone, names, PIN, then a summary to confirm. Nothing is written until the
 * user confirms; /cancel (handled outside) leaves at any question.
 */
export function createRegistrationConversation(registration: RegistrationService, menu: CommandMenu) {
  async function askEmail(conversation: BotConversation, ctx: ConversationContext): Promise<string> {
    return askText(conversation, ctx, html`What is your e-mail address? We send receipts there.\nFor example: ama.mensah@gmail.com`, async (text) => {
      const email = checkEmail(text);
      if (!email.ok) return email;
      const taken = await conversation.external(() => registration.isEmailTaken(email.value));
      return taken ? invalid('That e-mail address is already registered. Type a different one.') : email;
    });
  }

  async function askPhone(conversation: BotConversation, ctx: ConversationContext): Promise<string> {
    const phone = await ask(conversation, ctx, {
      text: html`What is your phone number? Tap <b>Share my phone number</b> below, or type your Ghana number, e.g. 024 123 4567.`,
      replyMarkup: new Keyboard().requestContact('📱 Share my phone number').resized().oneTime(),
      acceptsContact: true,
      check: (answer) => {
        if (answer.kind === 'contact') {
          if (answer.contact.user_id !== ctx.from?.id) {
            return invalid("That is someone else's contact. Tap 'Share my phone number' to send your own, or type your number.");
          }
          return normaliseContactPhone(answer.contact.phone_number);
        }
        return answer.kind === 'text' ? checkGhanaPhone(answer.text) : invalid('Please type your phone number.');
      },
    });
    await ctx.reply(html`Phone number saved: ${phone}`.value, { reply_markup: { remove_keyboard: true } });
    return phone;
  }

  /** Asks for a new PIN twice; both messages are deleted as they arrive. Returns only its hash. */
  async function askNewPin(conversation: BotConversation, ctx: ConversationContext): Promise<string> {
    for (;;) {
      const pin = await askText(
        conversation,
        ctx,
        html`Choose a <b>transaction PIN</b> of 4 to 6 digits. You will confirm sells and withdrawals with it.\nI delete your message straight away. Don't use your birthday or your phone number.`,
        checkPinFormat,
        { secret: true },
      );
      const repeated = await askText(conversation, ctx, html`Type the same PIN again to confirm it.`, (text) => valid(text.trim()), {
        secret: true,
      });
      if (repeated === pin) return conversation.external(() => registration.hashPin(pin));
      await ctx.reply("The two PINs didn't match, so I didn't save either. Let's try again.");
    }
  }

  function summary(details: Details) {
    return html`<b>Please check your details</b>

Name: ${details.firstName} ${details.lastName}
E-mail: ${details.email}
Phone: ${details.phone}
PIN: set (hidden)

Is everything correct?`;
  }

  return async function registrationConversation(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const from = ctx.from;
    if (!from) return;

    const terms = await choose(conversation, ctx, TERMS, [[{ label: '✅ I accept', value: 'accept' }, { label: '❌ I decline', value: 'decline' }]]);
    if (terms === 'decline') {
      await ctx.reply('No problem. You need to accept the terms to use the bot; send /start whenever you are ready.');
      return;
    }

    const details: Details = {
      email: await askEmail(conversation, ctx),
      phone: await askPhone(conversation, ctx),
      firstName: await askPersonName(conversation, ctx, 'first', from.first_name),
      lastName: await askPersonName(conversation, ctx, 'last', from.last_name),
      pinHash: await askNewPin(conversation, ctx),
    };

    for (;;) {
      const decision = await choose(conversation, ctx, summary(details), [
        [{ label: '✅ Confirm', value: 'confirm' }],
        [{ label: '✏️ Change something', value: 'edit' }, { label: '❌ Cancel', value: 'cancel' }],
      ]);
      if (decision === 'cancel') {
        await ctx.reply('Registration cancelled; nothing was saved. Send /start to begin again.');
        return;
      }
      if (decision === 'edit') {
        const field = await choose(conversation, ctx, html`What would you like to change?`, [
          [{ label: 'E-mail', value: 'email' }, { label: 'Phone', value: 'phone' }],
          [{ label: 'First name', value: 'firstName' }, { label: 'Last name', value: 'lastName' }],
          [{ label: 'PIN', value: 'pin' }],
        ]);
        if (field === 'email') details.email = await askEmail(conversation, ctx);
        if (field === 'phone') details.phone = await askPhone(conversation, ctx);
        if (field === 'firstName') details.firstName = await askPersonName(conversation, ctx, 'first', undefined);
        if (field === 'lastName') details.lastName = await askPersonName(conversation, ctx, 'last', undefined);
        if (field === 'pin') details.pinHash = await askNewPin(conversation, ctx);
        continue;
      }

      const result = await conversation.external(() =>
        registration.register({
          telegramId: from.id,
          telegramUsername: from.username,
          languageCode: from.language_code,
          ...details,
        }),
      );
      if (result.status === 'email_taken') {
        await ctx.reply('Someone registered that e-mail address a moment ago. Please enter another one.');
        details.email = await askEmail(conversation, ctx);
        continue;
      }
      const isAdmin = result.user.role === 'admin';
      const greeting =
        result.status === 'registered'
          ? html`🎉 Welcome aboard, ${result.user.first_name}! Your account is ready.\n\nNext step: verify your identity so you can trade. Tap 🪪 Verify identity below, or send /kyc.`
          : html`You are already registered, ${result.user.first_name}. Here is your menu.`;
      const badges = await conversation.external(() => menu.badges(result.user.id));
      await ctx.reply(greeting.value, { reply_markup: menu.mainMenuKeyboard(isAdmin, badges) });
      if (result.status === 'registered') {
        await ctx.reply('📘 New to crypto or to this bot? The first tutorial shows how to verify your identity and make your first trade safely. All guides: /tutorials', {
          reply_markup: firstTutorialKeyboard(),
        });
      }
      return;
    }
  };
}

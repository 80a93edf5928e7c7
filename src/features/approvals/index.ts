import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { deliverCardsJob } from '../../jobs/deliverCards.ts';
import { remindClaimedPayoutsJob } from '../../jobs/remindClaimedPayouts.ts';
import { remindPendingRequestsJob } from '../../jobs/remindPendingRequests.ts';
import { CONFIRM_AMOUNT, createConfirmAmountConversation } from '../../scenes/approvals/confirmAmount.ts';
import { createDeclineReasonConversation, DECLINE_REASON } from '../../scenes/approvals/declineReason.ts';
import { createPayoutReferenceConversation, PAYOUT_REFERENCE } from '../../scenes/approvals/payoutReference.ts';
import type { DecisionRequest } from '../../services/approvals/approvals.ts';
import { createPendingReminders } from '../../services/approvals/reminders.ts';
import { SECOND_APPROVAL_FIELD } from '../../services/approvals/settingFields.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { defineModule } from '../module.ts';
import { cardButtons } from './cardButtons.ts';
import { publishDecision, takeDecision, type DecisionDeps } from './decisions.ts';
import { SHOW_CARD, showPending } from './pendingCommand.ts';
import { reopenCommand } from './reopenCommand.ts';

/** Approvals: the admin card mechanism every request kind uses (buttons, typed reasons, /pending, reminders of waiting requests). */
export const approvalsModule = defineModule({
  name: 'approvals',
  settingFields: [SECOND_APPROVAL_FIELD],
  commands: [
    { command: 'pending', description: 'Requests waiting for a decision', position: 210, adminOnly: true, adminMenuButton: '📋 Pending requests' },
    { command: 'reopen', description: 'Re-open a declined or expired buy or deposit', position: 212, adminOnly: true },
  ],
  telegram(deps) {
    const decisions: DecisionDeps = { approvals: deps.kernel.approvals, cards: deps.cards, delivery: deps.delivery, logger: deps.logger };
    const admin = { admins: deps.kernel.admins, adminChatId: deps.config.adminChatId };
    const composer = new Composer<BotContext>();
    composer.use(cardButtons({ ...decisions, ...admin }));
    deps.menu.handle(composer, 'pending', (ctx) => showPending(ctx, { ...decisions, payments: deps.kernel.payments }));
    deps.menu.handle(composer, 'reopen', (ctx) => reopenCommand(ctx, decisions));
    composer.callbackQuery(SHOW_CARD, (ctx) =>
      asAdmin(ctx, admin, async () => {
        const [, kind = '', idText = ''] = ctx.match;
        const chatId = ctx.chat?.id ?? deps.config.adminChatId;
        // In the group a copy joins the card queue (the group's pace); in an admin's own chat it is the answer.
        if (chatId === deps.config.adminChatId) {
          await deps.kernel.approvals.repostCard(kind, Number(idText));
          deps.cards.kick();
          await ctx.answerCallbackQuery({ text: 'The card will appear at the bottom of the chat.' });
        } else {
          await ctx.answerCallbackQuery();
          await deps.cards.postTo(ctx.api, kind, Number(idText), chatId);
        }
      }),
    );
    const decide = {
      labelOf: (kind: string) => deps.cards.view(kind)?.label ?? kind,
      referenceOf: (kind: string) => deps.cards.view(kind)?.payoutReference,
      checkReference: (kind: string, id: number, text: string) => deps.kernel.approvals.checkPayoutReference(kind, id, text),
      decide: (request: DecisionRequest) => takeDecision(decisions, request),
      publish: (decided: { ownerId?: number | null }) => publishDecision(decisions, decided),
    };
    return {
      composer,
      conversations: [
        { restartCommand: 'pending', name: DECLINE_REASON, builder: createDeclineReasonConversation(decide) },
        { restartCommand: 'pending', name: PAYOUT_REFERENCE, builder: createPayoutReferenceConversation(decide) },
        {
          restartCommand: 'pending',
          name: CONFIRM_AMOUNT,
          builder: createConfirmAmountConversation({ ...decide, amountToConfirm: (kind: string, id: number) => deps.kernel.approvals.amountToConfirm(kind, id) }),
        },
      ],
    };
  },
  jobs: (deps) => [
    deliverCardsJob(deps.cards),
    remindPendingRequestsJob({
      approvals: deps.kernel.approvals,
      reminders: createPendingReminders(deps.kernel),
      cards: deps.cards,
      api: deps.api,
      adminChatId: deps.config.adminChatId,
    }),
    remindClaimedPayoutsJob({ approvals: deps.kernel.approvals, cards: deps.cards, api: deps.api, adminChatId: deps.config.adminChatId }),
  ],
});

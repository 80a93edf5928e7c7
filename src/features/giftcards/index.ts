import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createAddCardConversation, GIFT_CARD_ADD } from '../../scenes/giftcards/addCard.ts';
import { createCalculatorConversation, GIFT_CARD_CALCULATOR } from '../../scenes/giftcards/calculator.ts';
import { CARD_UNAVAILABLE } from '../../scenes/giftcards/deps.ts';
import { createEditRatesConversation, createSetPictureConversation, GIFT_CARD_EDIT_RATES, GIFT_CARD_SET_PICTURE } from '../../scenes/giftcards/editCard.ts';
import { createTradeInConversation, GIFT_CARD_TRADE_IN } from '../../scenes/giftcards/tradeIn.ts';
import { createGiftCardKind } from '../../services/giftcards/approvalKind.ts';
import { createGiftCardServices, giftCardHistory } from '../../services/giftcards/giftcards.ts';
import { GIFT_CARD_CODES, GIFT_CARD_KIND } from '../../services/giftcards/rules.ts';
import { GIFT_CARD_SETTING_FIELDS } from '../../services/giftcards/settingFields.ts';
import { asAdmin } from '../../telegram/adminGuard.ts';
import { mayMoveMoney } from '../../telegram/refusals.ts';
import { defineModule } from '../module.ts';
import { BROWSE_CALLBACK, handleBrowseTap, showBrands } from './browse.ts';
import { giftCardCardView } from './cards.ts';
import { CATALOGUE_CALLBACK, showCatalogue, showCatalogueCard, toggleCard } from './catalogueCommand.ts';
import { giftCardOrderList } from './ordersList.ts';

const START_FLOW = /^gc:([qs]):(\d+)$/;
const ADMIN_FLOWS: Partial<Record<string, string>> = { add: GIFT_CARD_ADD, r: GIFT_CARD_EDIT_RATES, i: GIFT_CARD_SET_PICTURE };

/** Gift cards: a catalogue admins manage, trade-ins with proof photos, and payouts to the wallet on approval. */
export const giftcardsModule = defineModule({
  name: 'giftcards',
  services: (shared) => createGiftCardServices(shared),
  commands: [
    { command: 'giftcards', description: 'Sell a gift card for cedis', position: 62, button: '🎁 Gift cards' },
    { command: 'catalogue', description: 'Gift cards on offer and their rates', position: 270, adminOnly: true, adminMenuButton: '🎁 Gift card catalogue' },
  ],
  approvalKinds: (shared) => [createGiftCardKind({ clock: shared.clock, codes: shared.sealer(GIFT_CARD_CODES) })],
  cardViews: [giftCardCardView],
  history: { sources: giftCardHistory, labels: { [GIFT_CARD_KIND]: '🎁 Gift card' } },
  settingFields: GIFT_CARD_SETTING_FIELDS,
  // Starter content, not schema: the module owns the list; inserted only into an empty catalogue, so once.
  onStart: async (services) => {
    await services.catalogue.seedStarterCatalogue();
  },
  telegram(deps) {
    const { kernel, services } = deps;
    const composer = new Composer<BotContext>();
    const browse = { giftcards: services, media: kernel.media };
    const admin = { admins: kernel.admins, adminChatId: deps.config.adminChatId };

    deps.menu.handle(composer, 'giftcards', (ctx) => showBrands(ctx, browse, 0));
    composer.chatType('private').callbackQuery(BROWSE_CALLBACK, (ctx) => handleBrowseTap(ctx, browse, ctx.match[1] ?? '', Number(ctx.match[2])));
    composer.chatType('private').callbackQuery(START_FLOW, async (ctx) => {
      const [, flow, idText = ''] = ctx.match;
      const card = await services.orders.offer(Number(idText));
      if (!card) {
        await ctx.answerCallbackQuery({ text: CARD_UNAVAILABLE, show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      if (flow === 'q') await ctx.conversation.enter(GIFT_CARD_CALCULATOR, card.id);
      else if (await mayMoveMoney(ctx, kernel.access)) await ctx.conversation.enter(GIFT_CARD_TRADE_IN, card.id);
    });

    deps.menu.handle(composer, 'catalogue', (ctx) => showCatalogue(ctx, services.catalogue, 0));
    composer.callbackQuery(CATALOGUE_CALLBACK, (ctx) =>
      asAdmin(ctx, admin, async () => {
        const [, action = '', idText = ''] = ctx.match;
        const id = Number(idText);
        const flow = ADMIN_FLOWS[action];
        if (flow) {
          await ctx.answerCallbackQuery();
          await ctx.conversation.enter(flow, id);
        } else if (action === 'l') {
          await ctx.answerCallbackQuery();
          await showCatalogue(ctx, services.catalogue, id);
        } else if (action === 'c') await showCatalogueCard(ctx, services.catalogue, id);
        else if (ctx.from) await toggleCard(ctx, ctx.from, services.catalogue, id, action === 'on');
      }),
    );

    const sceneDeps = { giftcards: services, media: kernel.media, download: deps.download, cards: deps.cards };
    return {
      composer,
      orderLists: [giftCardOrderList(services.orders)],
      conversations: [
        { restartCommand: 'giftcards', name: GIFT_CARD_TRADE_IN, builder: createTradeInConversation(sceneDeps) },
        { restartCommand: 'giftcards', name: GIFT_CARD_CALCULATOR, builder: createCalculatorConversation({ orders: services.orders }) },
        { restartCommand: 'catalogue', name: GIFT_CARD_ADD, builder: createAddCardConversation(sceneDeps) },
        { restartCommand: 'catalogue', name: GIFT_CARD_EDIT_RATES, builder: createEditRatesConversation(sceneDeps) },
        { restartCommand: 'catalogue', name: GIFT_CARD_SET_PICTURE, builder: createSetPictureConversation(sceneDeps) },
      ],
    };
  },
});

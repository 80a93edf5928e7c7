import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createTutorialCreateConversation, CREATE_TUTORIAL, type AuthoringSceneDeps } from '../../scenes/tutorials/create.ts';
import { createTutorialEditConversation, EDIT_TUTORIAL } from '../../scenes/tutorials/edit.ts';
import { FIRST_TUTORIAL } from '../../scenes/tutorials/firstTutorial.ts';
import { createTutorialsServices } from '../../services/tutorials/index.ts';
import { defineModule } from '../module.ts';
import { authoringButtons, sendCard } from './adminButtons.ts';
import { homeScreen } from './adminScreens.ts';
import { createTutorialMenus } from './menus.ts';

/** Tutorials: guides users read inside the bot with their progress, written and published by admins. */
export const tutorialsModule = defineModule({
  name: 'tutorials',
  services: createTutorialsServices,
  commands: [
    { command: 'tutorials', description: 'Learn to trade safely, step by step', position: 82, button: '📚 Tutorials' },
    { command: 'tutorial_admin', description: 'Write, edit and publish tutorials', position: 280, adminOnly: true, adminMenuButton: '✍️ Write tutorials' },
  ],
  onStart: async (services) => {
    await services.addStarterContent();
  },
  telegram(deps) {
    const { services, kernel, logger } = deps;
    const composer = new Composer<BotContext>();
    const menus = createTutorialMenus({ reader: services.reader, media: kernel.media, logger });
    const readers = composer.chatType('private');
    readers.use(menus.menu);
    deps.menu.handle(composer, 'tutorials', (ctx) => menus.showCategories(ctx));
    readers.callbackQuery(FIRST_TUTORIAL, (ctx) => menus.openFirst(ctx));

    const admin = { admins: kernel.admins, adminChatId: deps.config.adminChatId };
    deps.menu.handle(composer, 'tutorial_admin', async (ctx) => {
      const { text, keyboard } = await homeScreen(services.authoring);
      await ctx.reply(text.value, { reply_markup: keyboard });
    });
    composer.use(authoringButtons({ authoring: services.authoring, admin, media: kernel.media, logger }));
    const sceneDeps: AuthoringSceneDeps = {
      authoring: services.authoring,
      media: kernel.media,
      download: deps.download,
      showCard: (api, chatId, id) => sendCard(api, chatId, services.authoring, id),
    };
    return {
      composer,
      conversations: [
        { restartCommand: 'tutorial_admin', name: CREATE_TUTORIAL, builder: createTutorialCreateConversation(sceneDeps) },
        { restartCommand: 'tutorial_admin', name: EDIT_TUTORIAL, builder: createTutorialEditConversation(sceneDeps) },
      ],
    };
  },
});

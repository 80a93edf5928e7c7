import { Composer, type Api } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createWriteToSupportConversation, WRITE_TO_SUPPORT } from '../../scenes/support/writeToSupport.ts';
import { createSupportService } from '../../services/support/support.ts';
import { defineModule } from '../module.ts';
import { relayToAdmins, supportAnswers } from './relay.ts';
import { showSupport, supportButtons } from './supportCommand.ts';

/** Support: the contacts from settings, and a conversation with the team relayed through the admin chat both ways. */
export const supportModule = defineModule({
  name: 'support',
  services: (shared) => createSupportService({ pool: shared.pool, media: shared.media, admins: shared.admins }),
  commands: [{ command: 'support', description: 'Contact our team, or write to us here', position: 88, button: '🛟 Support' }],
  telegram(deps) {
    const { kernel, services } = deps;
    const composer = new Composer<BotContext>();
    const screen = { support: services, clock: kernel.clock };
    deps.menu.handle(composer, 'support', (ctx) => showSupport(ctx, screen));
    composer.use(supportButtons(screen));
    const guard = { admins: kernel.admins, adminChatId: deps.config.adminChatId };
    composer.use(supportAnswers({ support: services, delivery: deps.delivery, download: deps.download, guard }));

    const relay = { support: services, history: kernel.history, historyLabels: deps.historyLabels, media: kernel.media, asset: kernel.asset, adminChatId: deps.config.adminChatId, clock: kernel.clock };
    const scene = { support: services, media: kernel.media, download: deps.download, logger: deps.logger, relay: (api: Api, id: number) => relayToAdmins(api, relay, id) };
    return { composer, conversations: [{ name: WRITE_TO_SUPPORT, builder: createWriteToSupportConversation(scene) }] };
  },
});

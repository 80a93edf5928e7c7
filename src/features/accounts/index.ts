import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { createRegistrationConversation, REGISTRATION } from '../../scenes/accounts/registration.ts';
import { createRegistrationService } from '../../services/accounts/registration.ts';
import { defineModule } from '../module.ts';
import { botBlockedFeature } from './botBlocked.ts';
import { start } from './start.ts';

/** Accounts: registration with /start, and whether a user can be reached. */
export const accountsModule = defineModule({
  name: 'accounts',
  services: (shared) => createRegistrationService({ pool: shared.pool, adminIds: shared.config.adminIds }),
  // ADMIN_IDS is the list of admins: an id added gets the role, an id removed loses it, at the next start.
  onStart: async (_registration, shared) => {
    const { granted, revoked } = await shared.admins.applyAdminIds();
    if (granted.length + revoked.length > 0) shared.logger.info({ granted, revoked }, 'admin roles follow ADMIN_IDS');
  },
  commands: [{ command: 'start', description: 'Register, or open the main menu', position: 10 }],
  telegram(deps) {
    const composer = new Composer<BotContext>();
    deps.menu.handle(composer, 'start', (ctx) => start(ctx, deps.menu));
    composer.use(botBlockedFeature(deps.kernel.users));
    return { composer, conversations: [{ restartCommand: 'start', name: REGISTRATION, builder: createRegistrationConversation(deps.services, deps.menu) }] };
  },
});

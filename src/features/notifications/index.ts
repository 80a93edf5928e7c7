import { Composer } from 'grammy';
import type { BotContext } from '../../context.ts';
import { broadcastProgressJob } from '../../jobs/broadcastProgress.ts';
import { deliverNotificationsJob } from '../../jobs/deliverNotifications.ts';
import { rateAlertsJob } from '../../jobs/rateAlerts.ts';
import { BROADCAST, createBroadcastConversation } from '../../scenes/notifications/broadcast.ts';
import { createNewAlertConversation, NEW_ALERT } from '../../scenes/notifications/newAlert.ts';
import { createNotificationServices } from '../../services/notifications/index.ts';
import { defineModule } from '../module.ts';
import { alertButtons, showAlerts } from './alertsCommand.ts';
import { reportBroadcast } from './broadcastStatus.ts';
import { inboxButtons, showInbox } from './inboxCommand.ts';

/**
 * Notifications: the outbox every domain writes to (delivered by a job, and right after each decision), the
 * inbox users read back, admins' broadcasts, and rate alerts.
 */
export const notificationsModule = defineModule({
  name: 'notifications',
  services: (shared) => createNotificationServices(shared),
  commands: [
    { command: 'notifications', description: 'Your notifications, unread first', position: 84, button: '🔔 Notifications' },
    { command: 'alerts', description: 'Tell me when a rate reaches my price', position: 86, button: '⏰ Rate alerts' },
    { command: 'broadcast', description: 'Send a message to every user', position: 250, adminOnly: true, adminMenuButton: '📣 Broadcast' },
  ],
  telegram(deps) {
    const { kernel, services } = deps;
    const composer = new Composer<BotContext>();

    const inbox = { inbox: services.inbox, menu: deps.menu, clock: kernel.clock };
    deps.menu.addBadge('notifications', (userId) => services.inbox.unreadCount(userId));
    deps.menu.handle(composer, 'notifications', (ctx) => showInbox(ctx, inbox));
    composer.use(inboxButtons(inbox));

    const alerts = { alerts: services.alerts, asset: kernel.asset, clock: kernel.clock };
    deps.menu.handle(composer, 'alerts', (ctx) => showAlerts(ctx, alerts));
    composer.use(alertButtons(alerts));

    deps.menu.handle(composer, 'broadcast', (ctx) => ctx.conversation.enter(BROADCAST));
    const report = { broadcasts: services.broadcasts, adminChatId: deps.config.adminChatId, clock: kernel.clock };
    return {
      composer,
      conversations: [
        { name: NEW_ALERT, builder: createNewAlertConversation(alerts) },
        {
          name: BROADCAST,
          builder: createBroadcastConversation({
            broadcasts: services.broadcasts,
            delivery: deps.delivery,
            report: (api, broadcast) => reportBroadcast(api, report, broadcast),
            logger: deps.logger,
          }),
        },
      ],
    };
  },
  jobs: (deps) => [
    deliverNotificationsJob(deps.delivery),
    rateAlertsJob({ alerts: deps.services.alerts, delivery: deps.delivery, logger: deps.logger }),
    broadcastProgressJob({
      broadcasts: deps.services.broadcasts,
      delivery: deps.delivery,
      report: (broadcast) => reportBroadcast(deps.api, { broadcasts: deps.services.broadcasts, adminChatId: deps.config.adminChatId, clock: deps.kernel.clock }, broadcast),
      logger: deps.logger,
    }),
  ],
});

import { deliverNotificationsJob } from '../../jobs/deliverNotifications.ts';
import { defineModule } from '../module.ts';

/** Notifications: the outbox every domain writes to, delivered by a job (and right after each decision). */
export const notificationsModule = defineModule({
  name: 'notifications',
  jobs: (deps) => [deliverNotificationsJob(deps.delivery)],
});

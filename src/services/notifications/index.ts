import type { SharedServices } from '../index.ts';
import { createAlertService, type AlertService } from './alerts.ts';
import { createBroadcastService, type BroadcastService } from './broadcasts.ts';
import { createInboxService, type InboxService } from './inbox.ts';

export interface NotificationServices {
  inbox: InboxService;
  broadcasts: BroadcastService;
  alerts: AlertService;
}

export function createNotificationServices(shared: SharedServices): NotificationServices {
  return {
    inbox: createInboxService(shared.pool),
    broadcasts: createBroadcastService({ pool: shared.pool, admins: shared.admins }),
    alerts: createAlertService({ pool: shared.pool, rates: shared.rates, quotes: shared.quotes, asset: shared.asset }),
  };
}

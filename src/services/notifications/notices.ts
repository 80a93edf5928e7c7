import type { FiredAlert } from '../../db/rateAlerts.ts';
import { formatGhs } from '../common/amounts.ts';
import type { Notice } from './outbox.ts';

/** What every broadcast is titled, above the admin's text. */
export const BROADCAST_TITLE = '📣 Announcement';

/** The words of the notifications the notifications domain itself writes: rate alerts. */
export const notificationNotices = {
  alertReached: (alert: FiredAlert, asset: string): Notice =>
    alert.side === 'sell'
      ? {
          type: 'RATE_ALERT_SELL',
          title: '⏰ Sell rate reached',
          message: `You can now sell ${asset} at ${formatGhs(alert.triggered_rate)} (your alert: ${formatGhs(alert.target_rate)} or more). Rates move: send /sell to sell now. This alert is done; set a new one in /alerts.`,
        }
      : {
          type: 'RATE_ALERT_BUY',
          title: '⏰ Buy rate reached',
          message: `You can now buy ${asset} at ${formatGhs(alert.triggered_rate)} (your alert: ${formatGhs(alert.target_rate)} or less). Rates move: send /buy to buy now. This alert is done; set a new one in /alerts.`,
        },
};

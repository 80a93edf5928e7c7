/** Where the product's users are: every time shown to them is in Accra's time. */
export const DISPLAY_TIME_ZONE = 'Africa/Accra';

const dateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

const timeOfDay = new Intl.DateTimeFormat('en-GB', { timeZone: DISPLAY_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** e.g. "26 Nov 2026, 14:02" */
export function formatDateTime(date: Date): string {
  return dateTime.format(date);
}

/** e.g. "14:02", for events of today. */
export function formatTime(date: Date): string {
  return timeOfDay.format(date);
}

const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "14:02" for a moment of today in Accra, "26 Nov 2026, 14:02" otherwise. */
export function formatWhen(date: Date, now: Date = new Date()): string {
  return dayOf.format(date) === dayOf.format(now) ? formatTime(date) : formatDateTime(date);
}

const calendarDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });

/** A calendar date stored as YYYY-MM-DD, e.g. "31 Jan 2000" (no time zone applies to it). */
export function formatCalendarDate(isoDate: string): string {
  return calendarDate.format(new Date(`${isoDate}T00:00:00Z`));
}

/** How long ago, roughly and in words: "3 minutes", "5 hours", "2 days". */
export function formatAge(since: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  const [count, unit] = minutes < 60 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.floor(minutes / 60), 'hour'] : [Math.floor(minutes / 1440), 'day'];
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** At most `most` characters (emoji count as one), cut at the end with "…" when longer. */
export function shorten(text: string, most: number): string {
  const characters = [...text];
  return characters.length <= most ? text : `${characters.slice(0, most).join('').trimEnd()}…`;
}

const REQUEST_STATUS_LABELS: Record<'owner' | 'admin', Record<string, string>> = {
  owner: { awaiting_payment: '💳 awaiting your payment', pending: '⏳ pending', approved: '✅ done', declined: '❌ declined', completed: '🏁 completed' },
  admin: { awaiting_payment: '💳 payment not yet reported', pending: '⏳ waiting for a decision', approved: '✅ approved', declined: '❌ declined', completed: '🏁 completed' },
};

/** A request's status in words, for the user who made it or for the admins. */
export function requestStatusLabel(status: string, reader: 'owner' | 'admin'): string {
  return REQUEST_STATUS_LABELS[reader][status] ?? status;
}

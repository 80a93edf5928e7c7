/** Where the business is: its days (statistics, the digest, job slots) begin at midnight in Accra. */
export const BUSINESS_TIME_ZONE = 'Africa/Accra';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const partsFormat = new Map<string, Intl.DateTimeFormat>();
function format(zone: string): Intl.DateTimeFormat {
  let found = partsFormat.get(zone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsFormat.set(zone, found);
  }
  return found;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in milliseconds (0 in Accra, all year). */
function offsetAt(at: Date, zone: string): number {
  const parts = Object.fromEntries(format(zone).formatToParts(at).map((part) => [part.type, Number(part.value)]));
  const wall = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Instants of wall-clock times already converted, by zone and time: the same midnights are asked for again and again. */
const instants = new Map<string, number>();
const REMEMBERED_INSTANTS = 10_000;

/** The instant a wall-clock time in the zone happens (`wall` holds that time as if it were UTC). */
function fromWall(wall: number, zone: string): Date {
  const key = `${zone} ${wall}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    const guess = new Date(wall - offsetAt(new Date(wall), zone));
    instant = wall - offsetAt(guess, zone);
    if (instants.size >= REMEMBERED_INSTANTS) instants.clear();
    instants.set(key, instant);
  }
  return new Date(instant);
}

/** Midnight of the day `at` falls on in the zone, moved by `days` (e.g. -6: the start of the last 7 days). */
export function startOfDay(at: Date, days = 0, zone = BUSINESS_TIME_ZONE): Date {
  const wall = at.getTime() + offsetAt(at, zone);
  return fromWall(Math.floor(wall / DAY_MS) * DAY_MS + days * DAY_MS, zone);
}

export interface CalendarDay {
  /** YYYY-MM-DD. */
  day: string;
  start: Date;
}

/**
 * The calendar days from `first` to `last` days from the one `at` falls on in the zone (0 that day, -1 the day
 * before …), oldest first, and when the last one ends.
 */
export function calendarDays(at: Date, first: number, last: number, zone = BUSINESS_TIME_ZONE): { days: CalendarDay[]; end: Date } {
  const midnight = Math.floor((at.getTime() + offsetAt(at, zone)) / DAY_MS) * DAY_MS;
  const days = Array.from({ length: last - first + 1 }, (_, index) => {
    const wall = midnight + (first + index) * DAY_MS;
    return { day: new Date(wall).toISOString().slice(0, 10), start: fromWall(wall, zone) };
  });
  return { days, end: fromWall(midnight + (last + 1) * DAY_MS, zone) };
}

/** The calendar day `at` falls on in the zone, as YYYY-MM-DD. */
export function calendarDay(at: Date, zone = BUSINESS_TIME_ZONE): string {
  return new Date(at.getTime() + offsetAt(at, zone)).toISOString().slice(0, 10);
}

/**
 * The start of the slot of `minutes` (1, 10, 60, 1440 …) that `at` falls in, counted on the zone's wall clock
 * from midnight: a daily slot is the day in Accra, an hourly one the hour.
 */
export function slotStart(at: Date, minutes: number, zone = BUSINESS_TIME_ZONE): Date {
  const size = minutes * MINUTE_MS;
  const wall = at.getTime() + offsetAt(at, zone);
  const dayStart = Math.floor(wall / DAY_MS) * DAY_MS;
  return fromWall(dayStart + Math.floor((wall - dayStart) / size) * size, zone);
}

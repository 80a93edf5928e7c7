// The bot of the update benchmark: exactly `npm start` (src/main.ts), with the sending pace lifted. Under
// Telegram's pace (28 calls a second in all) the bot could answer no more than 28 updates a second, so the
// benchmark would measure the throttler, not the bot; the throttler itself still runs, with limits out of reach.
import { main } from '../src/main.ts';

await main({ sendingLimits: { messagesPerSecond: Number.POSITIVE_INFINITY, inFlight: 100, chatIntervalMs: 0, groupMessagesPerMinute: 1_000_000, groupWindowMs: 60_000, groupPlacesForAnswers: 3 } });

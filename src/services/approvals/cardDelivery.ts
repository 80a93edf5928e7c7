import type { DatabasePool } from 'slonik';
import { approvalCardMessages } from '../../db/approvalCards.ts';
import {
  claimNextCardDelivery,
  deleteCardDelivery,
  lockCardQueue,
  markCardDeliveryFailed,
  nextCardDeliveryDueIn,
  recordCardPhotos,
  releaseCardDelivery,
  type CardDelivery,
} from '../../db/cardDeliveries.ts';
import type { Logger } from '../../logger.ts';
import { oneRunAtATime } from '../common/oneRunAtATime.ts';
import { retryDelaySeconds } from '../notifications/delivery.ts';

/** What a post sends and remembers: the photos first (then remembered), then the card itself (remembered too). */
export interface CardPost {
  kind: string;
  id: number;
  /** The photos an earlier attempt sent, to reply to; null when none were sent yet. */
  photosMessageId: number | null;
  /** Called once the photos are out, before the card itself goes. */
  photosSent: (messageId: number) => Promise<void>;
}

/** The Telegram side of the admin chat's cards (features/approvals/publisher.ts). */
export interface CardSender {
  /** Posts the card in the admin chat and records its message (ApprovalService.recordCardMessage). */
  post(post: CardPost): Promise<void>;
  /** Edits every recorded copy of the card to its current state; throws when a copy could not be edited (to retry). */
  refresh(kind: string, id: number): Promise<void>;
}

export interface CardDeliverer {
  /** Delivers every due card, one at a time, in queue order; returns how many. Safe to call from several places at once. */
  deliverDue(): Promise<number>;
  /** After a commit that queued a card: delivers soon, never awaited by the update that asked. */
  kick(): void;
  /**
   * At shutdown: no further card is claimed; the one in progress may finish for a few seconds, then it is given back
   * (a group's minute can hold it for up to a minute, and left claimed it would hold the queue for its lease).
   */
  stop(): Promise<void>;
  /** Resolves once no delivery of this process is in progress. */
  idle(): Promise<void>;
}

/**
 * A claimed card is left alone by other instances this long: a post's two calls may each wait up to a minute for the
 * group's allowance. A process that dies holding one delays the admin chat's queue by at most this.
 */
const LEASE_SECONDS = 300;
const MAX_ATTEMPTS = 8;
/** How long a stopping deliverer lets its card in progress finish before giving it back to the queue. */
const STOP_GRACE_MS = 5000;
/** A card due within this long (a refresh settling, a retry) is delivered by a timer; later ones by the job. */
const WAKE_UP_WITHIN_MS = 60_000;

/**
 * The admin chat's card queue (card_deliveries), delivered after the commits that wrote it: one card at a time
 * across every instance (so they arrive in order, and this process's pace keeps the group's minute), retried with
 * backoff. Posting is at least once: a post whose card is already recorded is done without sending; one that was
 * interrupted after Telegram took the card but before it was recorded posts it again (see docs/decisions.md).
 */
export function createCardDeliverer(deps: { pool: DatabasePool; send: CardSender; adminChatId: number; logger: Logger }): CardDeliverer {
  const { pool, send, logger } = deps;
  let stopping = false;
  let wakeUp: NodeJS.Timeout | undefined;
  let inProgress: CardDelivery | undefined;

  const claim = () =>
    pool.transaction(async (tx) => {
      await lockCardQueue(tx);
      return claimNextCardDelivery(tx, LEASE_SECONDS);
    });

  async function alreadyPosted(delivery: CardDelivery): Promise<boolean> {
    const copies = await approvalCardMessages(pool, delivery.request_kind, delivery.request_id);
    return copies.some((copy) => copy.chat_id === deps.adminChatId);
  }

  async function attempt(delivery: CardDelivery): Promise<void> {
    const { request_kind: kind, request_id: id } = delivery;
    if (delivery.action === 'refresh') return send.refresh(kind, id);
    // A post that ran again (a crash after its card was recorded) finds it posted; a repost always adds a copy.
    if (delivery.action === 'post' && (await alreadyPosted(delivery))) return;
    await send.post({ kind, id, photosMessageId: delivery.photos_message_id, photosSent: (messageId) => recordCardPhotos(pool, delivery.id, messageId) });
  }

  async function deliver(delivery: CardDelivery): Promise<boolean> {
    try {
      await attempt(delivery);
    } catch (error) {
      const retry = delivery.attempts >= MAX_ATTEMPTS ? null : retryDelaySeconds(delivery.attempts);
      await markCardDeliveryFailed(pool, delivery.id, error instanceof Error ? error.message : String(error), retry);
      const line = { err: error, delivery_id: delivery.id, kind: delivery.request_kind, id: delivery.request_id, action: delivery.action, retry_in_s: retry };
      if (retry === null) logger.error(line, 'gave up on an approval card');
      else logger.warn(line, 'approval card not delivered; retrying later');
      return false;
    }
    await deleteCardDelivery(pool, delivery.id);
    return true;
  }

  async function drain(): Promise<number> {
    let delivered = 0;
    // A claimed card is delivered even when stopping meanwhile: left claimed, it would hold the queue for its lease.
    while (!stopping) {
      const next = await claim();
      if (!next) break;
      inProgress = next;
      try {
        if (await deliver(next)) delivered += 1;
      } finally {
        inProgress = undefined;
      }
    }
    return delivered;
  }

  /** Comes back when the next queued card is due, if soon: a refresh waits out its settling time. */
  async function wakeUpWhenDue(): Promise<void> {
    const dueInMs = await nextCardDeliveryDueIn(pool);
    clearTimeout(wakeUp);
    if (dueInMs === null || dueInMs > WAKE_UP_WITHIN_MS || stopping) return;
    wakeUp = setTimeout(kick, Math.max(dueInMs, 50));
    wakeUp.unref();
  }

  const runs = oneRunAtATime(drain, () => stopping, wakeUpWhenDue);
  const deliverDue = () => runs.run();

  function kick(): void {
    // The deliver-cards job runs it again within seconds and reports a failure that lasts (a database that went away).
    deliverDue().catch((error: unknown) => logger.warn({ err: error }, 'approval card delivery failed; the job retries it'));
  }

  return {
    deliverDue,
    kick,
    async stop() {
      stopping = true;
      clearTimeout(wakeUp);
      const run = runs.current();
      if (!run) return;
      let grace: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        run.then(() => true, () => true),
        new Promise<boolean>((resolve) => (grace = setTimeout(() => resolve(false), STOP_GRACE_MS))),
      ]);
      clearTimeout(grace);
      // Given back, it goes at once from another instance or the next start; if it did reach Telegram, it is a second copy (see above).
      if (!finished && inProgress) await releaseCardDelivery(pool, inProgress.id);
    },
    async idle() {
      for (let run = runs.current(); run; run = runs.current()) await run.catch(() => undefined);
    },
  };
}

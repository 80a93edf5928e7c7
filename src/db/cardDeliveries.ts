import { sql, type CommonQueryMethods, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';

/** What a queued delivery does to a request's card in the admin chat. */
export type CardAction = 'post' | 'repost' | 'refresh';

/** Advisory lock class of the card queue: claims are taken one at a time across instances. */
const CARD_QUEUE_LOCK_CLASS = 30;

/**
 * The INSERT of a post (the first card of a new request) or a repost (another copy, asked for by an admin), to run
 * on its own or beside another write in one statement.
 */
export function cardPostInsert(kind: string, requestId: number, action: 'post' | 'repost'): FragmentSqlToken {
  return sql.fragment`
    INSERT INTO card_deliveries (request_kind, request_id, action) VALUES (${kind}, ${requestId}, ${action})
  `;
}

/**
 * The INSERT of a refresh due in `settleSeconds`, unless one of this card is already waiting (not claimed): that
 * one shows the card as it stands when it goes, so several refreshes close together make one edit.
 */
export function cardRefreshInsert(kind: string, requestId: number, settleSeconds: number): FragmentSqlToken {
  return sql.fragment`
    INSERT INTO card_deliveries (request_kind, request_id, action, next_attempt_at)
    SELECT ${kind}, ${requestId}, 'refresh', now() + make_interval(secs => ${settleSeconds})
     WHERE NOT EXISTS (
       SELECT 1 FROM card_deliveries
        WHERE request_kind = ${kind} AND request_id = ${requestId} AND action = 'refresh'
          AND next_attempt_at IS NOT NULL AND leased_until IS NULL
     )
  `;
}

export async function insertCardDelivery(db: CommonQueryMethods, insert: FragmentSqlToken): Promise<void> {
  await db.query(sql.unsafe`${insert}`);
}

const cardDeliverySchema = z.object({
  id: z.number(),
  request_kind: z.string(),
  request_id: z.number(),
  action: z.enum(['post', 'repost', 'refresh']),
  attempts: z.number(),
  photos_message_id: z.number().nullable(),
});
export type CardDelivery = z.infer<typeof cardDeliverySchema>;

/** Makes the claims of every instance wait for each other, until the end of the transaction. */
export async function lockCardQueue(tx: CommonQueryMethods): Promise<void> {
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(${CARD_QUEUE_LOCK_CLASS}, 0)`);
}

/**
 * Claims the next due delivery for `leaseSeconds`, unless one is in flight (claimed, lease not run out): the admin
 * chat's cards go one at a time, so they arrive in order. Refreshes and reposts (what admins are waiting to see)
 * before posts; posts in the order they were queued. Run under lockCardQueue, so two instances never both see
 * nothing in flight.
 */
export async function claimNextCardDelivery(db: CommonQueryMethods, leaseSeconds: number): Promise<CardDelivery | null> {
  return db.maybeOne(sql.type(cardDeliverySchema)`
    UPDATE card_deliveries
       SET leased_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
     WHERE id = (
       SELECT id FROM card_deliveries
        WHERE next_attempt_at <= now() AND (leased_until IS NULL OR leased_until <= now())
          AND NOT EXISTS (SELECT 1 FROM card_deliveries busy WHERE busy.next_attempt_at IS NOT NULL AND busy.leased_until > now())
        ORDER BY action = 'post', id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
     )
    RETURNING id, request_kind, request_id, action, attempts, photos_message_id
  `);
}

/** A post's photos went out: a retry replies to them instead of sending them again. */
export async function recordCardPhotos(db: CommonQueryMethods, id: number, messageId: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE card_deliveries SET photos_message_id = ${messageId} WHERE id = ${id}`);
}

/** Done: the row goes (the card's messages are in approval_cards). */
export async function deleteCardDelivery(db: CommonQueryMethods, id: number): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM card_deliveries WHERE id = ${id}`);
}

/** Gives a claimed delivery back unfinished (its process is stopping): due again at once, its attempt undone. */
export async function releaseCardDelivery(db: CommonQueryMethods, id: number): Promise<void> {
  await db.query(sql.unsafe`UPDATE card_deliveries SET leased_until = NULL, attempts = greatest(attempts - 1, 0) WHERE id = ${id}`);
}

/** Records a failed attempt and frees the queue; `retryInSeconds` null means give up. */
export async function markCardDeliveryFailed(db: CommonQueryMethods, id: number, error: string, retryInSeconds: number | null): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE card_deliveries
       SET last_error = ${error.slice(0, 500)}, leased_until = NULL,
           next_attempt_at = ${retryInSeconds === null ? null : sql.fragment`now() + make_interval(secs => ${retryInSeconds})`}
     WHERE id = ${id}
  `);
}

const dueInRow = z.object({ due_in_ms: z.number().nullable() });

/**
 * How long until this instance should look at the queue again: while a card is in flight elsewhere, until its lease
 * ends (the instance holding it goes on to the next card itself); otherwise until the next one is due (0: now).
 * Null when nothing is queued.
 */
export async function nextCardDeliveryDueIn(db: CommonQueryMethods): Promise<number | null> {
  return db.oneFirst(sql.type(dueInRow)`
    SELECT greatest(0, ceil(extract(epoch FROM coalesce(
             (SELECT max(leased_until) FROM card_deliveries WHERE next_attempt_at IS NOT NULL AND leased_until > now()),
             (SELECT min(next_attempt_at) FROM card_deliveries WHERE next_attempt_at IS NOT NULL)
           ) - now()) * 1000))::int AS due_in_ms
  `);
}

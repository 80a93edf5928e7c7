import type { DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import {
  claimBroadcastStatusEdit,
  countBroadcastRows,
  countReachableUsers,
  findBroadcast,
  insertBroadcastOnce,
  markBroadcastFinished,
  queueBroadcastBatch,
  setBroadcastStatus,
  unfinishedBroadcasts,
  type BroadcastCounts,
  type BroadcastRow,
} from '../../db/broadcasts.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import { parseContent, renderTokens, visibleText } from '../tutorials/content.ts';
import { entitiesToHtml, type TextEntity } from '../tutorials/entities.ts';
import { BROADCAST_TITLE } from './notices.ts';

export type { BroadcastRow, BroadcastCounts };

/** Telegram's limit for a message after entity parsing (counted in UTF-16 units, as its entities are); the title and a line break come first. */
const MAX_MESSAGE_LENGTH = 4096 - BROADCAST_TITLE.length - 1;
// Recipients written per INSERT … SELECT (one short transaction each): delivery starts after the first.
const QUEUE_BATCH = 1000;

export interface BroadcastProgress extends BroadcastCounts {
  /** Neither sent nor given up yet. */
  left: number;
  /** Whether every recipient's row has been written. */
  queued: boolean;
  done: boolean;
}

export type StartResult = { status: 'started'; broadcast: BroadcastRow; recipients: number } | { status: 'not_admin' };

export interface BroadcastService {
  /**
   * The broadcast's HTML from what the admin sent: formatting made with Telegram's tools and typed tags both
   * count. Checked as the Telegram HTML subset (b i u s tg-spoiler code pre blockquote, https links), with
   * the reason when it is not valid, empty or too long.
   */
  prepare(text: string, entities?: readonly TextEntity[]): Checked<string>;
  /** How many users a broadcast would reach now. */
  audience(): Promise<number>;
  /** Records the broadcast (once per request key, audited) and writes every recipient's outbox row in batches. */
  start(request: { requestKey: string; message: string; from: TelegramIdentity }): Promise<StartResult>;
  /** Writes the recipients a crash left unwritten (nothing when all are). */
  queueRemaining(id: number): Promise<void>;
  unfinished(): Promise<readonly BroadcastRow[]>;
  progress(broadcast: BroadcastRow): Promise<BroadcastProgress>;
  recordStatus(id: number, status: { chatId: number; messageId: number; text: string }): Promise<void>;
  /** Whether the status message may be edited now: at most every `seconds`, across instances (Telegram limits edits). */
  claimStatusEdit(id: number, seconds: number): Promise<boolean>;
  /** True for the one caller that finishes it (and so posts the summary). */
  finish(id: number): Promise<boolean>;
}

export function createBroadcastService(deps: { pool: DatabasePool; admins: AdminService }): BroadcastService {
  const { pool } = deps;

  /** One batch per transaction, with the broadcast locked, until no recipient is left; returns the rows written. */
  async function queueRemaining(id: number): Promise<number> {
    let written = 0;
    for (;;) {
      const batch = await pool.transaction(async (tx) => {
        const broadcast = await findBroadcast(tx, id, { forUpdate: true });
        if (!broadcast || broadcast.queued_at) return null;
        return queueBroadcastBatch(tx, { id, title: BROADCAST_TITLE }, QUEUE_BATCH);
      });
      if (batch === null) return written;
      written += batch;
    }
  }

  return {
    prepare(text, entities = []) {
      const parsed = parseContent(entitiesToHtml(text.trim(), entities, { typedMarkup: true }));
      if (!parsed.ok) return invalid(`That is not valid Telegram HTML: ${parsed.reason}`);
      const visible = visibleText(parsed.value).trim();
      if (visible === '') return invalid('The message is empty. Type the text to send.');
      const length = visible.length;
      if (length > MAX_MESSAGE_LENGTH) {
        return invalid(`The message is ${length.toLocaleString('en-GB')} characters long; the most is ${MAX_MESSAGE_LENGTH.toLocaleString('en-GB')}. Shorten it.`);
      }
      return valid(renderTokens(parsed.value));
    },
    audience: () => countReachableUsers(pool),
    async start(request) {
      const admin = await deps.admins.actorFor(request.from);
      if (!admin) return { status: 'not_admin' };
      const id = await pool.transaction(async (tx) => {
        const made = await insertBroadcastOnce(tx, { requestKey: request.requestKey, message: request.message, admin });
        if (made.created) await insertAuditEntry(tx, { subjectKind: 'broadcast', subjectId: made.row.id, action: 'send', admin });
        return made.row.id;
      });
      await queueRemaining(id);
      const broadcast = await findBroadcast(pool, id);
      if (!broadcast) throw new Error(`broadcast ${id} vanished`);
      return { status: 'started', broadcast, recipients: (await countBroadcastRows(pool, id)).total };
    },
    queueRemaining: async (id) => {
      await queueRemaining(id);
    },
    unfinished: () => unfinishedBroadcasts(pool),
    async progress(broadcast) {
      const counts = await countBroadcastRows(pool, broadcast.id);
      const left = counts.total - counts.sent - counts.failed;
      const queued = broadcast.queued_at !== null;
      return { ...counts, left, queued, done: queued && left === 0 };
    },
    recordStatus: (id, status) => setBroadcastStatus(pool, id, status),
    claimStatusEdit: (id, seconds) => claimBroadcastStatusEdit(pool, id, seconds),
    finish: (id) => markBroadcastFinished(pool, id),
  };
}

import type { CommonQueryMethods, DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { tutorialProgressCounts } from '../../db/tutorialProgress.ts';
import { findUserById } from '../../db/users.ts';
import {
  countTutorialsByCategory,
  deleteTutorial,
  findTutorial,
  insertTutorial,
  listTutorials,
  lockTutorialSlugs,
  maxTutorialOrder,
  setTutorialPublished,
  slugExists,
  updateTutorial,
  type TutorialCategory,
  type TutorialFields,
  type TutorialRow,
} from '../../db/tutorials.ts';
import type { AdminActor, AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import type { MediaStore } from '../platform/mediaStore.ts';
import { isTutorialCategory, TUTORIAL_CATEGORIES } from './categories.ts';
import { checkContent } from './content.ts';
import { checkExcerpt, checkOrder, checkTitle, checkVideoUrl } from './fields.ts';
import { slugBase, uniqueSlug } from './slugs.ts';

export type { TutorialRow };

/** A new tutorial as the author wrote it; `order` null puts it after the category's last one. */
export interface TutorialDraft {
  title: string;
  category: TutorialCategory;
  content: string;
  excerpt: string | null;
  videoUrl: string | null;
  order: number | null;
  publish: boolean;
}

/** One field changed by an edit; a picture arrives as the photo's bytes (stored through the media store). */
export type FieldChange =
  | { field: 'title' | 'content'; value: string }
  | { field: 'category'; value: TutorialCategory }
  | { field: 'excerpt' | 'videoUrl'; value: string | null }
  | { field: 'thumbnail'; value: Buffer | null }
  | { field: 'order'; value: number };

export type AuthoringResult = { status: 'saved'; tutorial: TutorialRow } | { status: 'invalid'; reason: string } | { status: 'not_admin' } | { status: 'not_found' };
export type PublishResult = AuthoringResult | { status: 'unchanged'; tutorial: TutorialRow };

/** A tutorial with what admins see on its card: who wrote it and how far users got. */
export interface AdminTutorial extends TutorialRow {
  authorName: string | null;
  started: number;
  completed: number;
}

export interface AuthoringService {
  counts(): Promise<Readonly<Record<TutorialCategory, { total: number; published: number }>>>;
  list(category: TutorialCategory): Promise<readonly TutorialRow[]>;
  get(id: number): Promise<AdminTutorial | null>;
  /** The display order a new tutorial gets when the author does not choose one. */
  nextOrder(category: TutorialCategory): Promise<number>;
  create(draft: TutorialDraft, thumbnail: Buffer | null, from: TelegramIdentity): Promise<AuthoringResult>;
  update(id: number, change: FieldChange, from: TelegramIdentity): Promise<AuthoringResult>;
  setPublished(id: number, published: boolean, from: TelegramIdentity): Promise<PublishResult>;
  remove(id: number, from: TelegramIdentity): Promise<AuthoringResult>;
}

const ORDER_STEP = 10;

function describe(field: keyof TutorialFields, row: TutorialRow): string {
  switch (field) {
    case 'content':
      return `${row.content.length} characters`;
    case 'thumbnail':
      return row.thumbnail ? 'a picture' : 'none';
    case 'videoUrl':
      return row.video_url ?? 'none';
    default: {
      const value = row[field];
      return value === null ? 'none' : String(value);
    }
  }
}

/** A changed text field checked as on creation (null removes an optional one). */
function checkChange(change: Exclude<FieldChange, { field: 'thumbnail' }>): Checked<Partial<TutorialFields>> {
  const optional = (value: string | null, check: (text: string) => Checked<string>) => (value === null ? valid(null) : check(value));
  const check = (): Checked<unknown> => {
    switch (change.field) {
      case 'title':
        return checkTitle(change.value);
      case 'content':
        return checkContent(change.value);
      case 'excerpt':
        return optional(change.value, checkExcerpt);
      case 'videoUrl':
        return optional(change.value, checkVideoUrl);
      case 'order':
        return checkOrder(String(change.value));
      case 'category':
        return isTutorialCategory(change.value) ? valid(change.value) : invalid('There is no such category.');
    }
  };
  const checked = check();
  return checked.ok ? valid({ [change.field]: checked.value }) : checked;
}

function checkDraft(draft: TutorialDraft): Checked<Omit<TutorialFields, 'thumbnail' | 'order'> & { order: number | null }> {
  const title = checkTitle(draft.title);
  if (!title.ok) return title;
  const content = checkContent(draft.content);
  if (!content.ok) return content;
  const excerpt = draft.excerpt === null ? valid(null) : checkExcerpt(draft.excerpt);
  if (!excerpt.ok) return excerpt;
  const videoUrl = draft.videoUrl === null ? valid(null) : checkVideoUrl(draft.videoUrl);
  if (!videoUrl.ok) return videoUrl;
  const order = draft.order === null ? valid(null) : checkOrder(String(draft.order));
  if (!order.ok) return order;
  if (!isTutorialCategory(draft.category)) return invalid('There is no such category.');
  return valid({ title: title.value, category: draft.category, content: content.value, excerpt: excerpt.value, videoUrl: videoUrl.value, order: order.value });
}

export function createAuthoringService(deps: { pool: DatabasePool; admins: AdminService; media: MediaStore; clock: Clock }): AuthoringService {
  const { pool, admins, media, clock } = deps;
  const audit = (tx: CommonQueryMethods, admin: AdminActor, action: string, row: TutorialRow, details: Record<string, string | boolean> = {}) =>
    insertAuditEntry(tx, { subjectKind: 'tutorial', subjectId: row.id, action, admin, details: { slug: row.slug, title: row.title, ...details } });
  const nextOrder = async (db: CommonQueryMethods, category: TutorialCategory) => ((await maxTutorialOrder(db, category)) ?? 0) + ORDER_STEP;

  /** Stores a picture first (files are not transactional); `work` failing removes it again. */
  async function withPicture(bytes: Buffer | null, work: (path: string | null) => Promise<AuthoringResult>): Promise<AuthoringResult> {
    if (!bytes) return work(null);
    const stored = await media.storeImage(bytes, 'tutorials');
    if (!stored.ok) return { status: 'invalid', reason: stored.reason };
    const result = await work(stored.value.path).catch(async (error: unknown) => {
      await media.remove(stored.value.path);
      throw error;
    });
    if (result.status !== 'saved') await media.remove(stored.value.path);
    return result;
  }

  return {
    async counts() {
      const rows = await countTutorialsByCategory(pool);
      const countOf = (category: TutorialCategory) => {
        const row = rows.find((candidate) => candidate.category === category);
        return { total: row?.total ?? 0, published: row?.published ?? 0 };
      };
      return Object.fromEntries(TUTORIAL_CATEGORIES.map((category) => [category, countOf(category)])) as Record<TutorialCategory, { total: number; published: number }>;
    },
    list: (category) => listTutorials(pool, category),
    async get(id) {
      const row = await findTutorial(pool, id);
      if (!row) return null;
      const author = row.author_id === null ? null : await findUserById(pool, row.author_id);
      const authorName = author ? [author.first_name, author.last_name].filter(Boolean).join(' ') || author.username : null;
      return { ...row, authorName, ...(await tutorialProgressCounts(pool, id)) };
    },
    nextOrder: (category) => nextOrder(pool, category),
    async create(draft, thumbnail, from) {
      const checked = checkDraft(draft);
      if (!checked.ok) return { status: 'invalid', reason: checked.reason };
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      const fields = checked.value;
      return withPicture(thumbnail, (path) =>
        pool.transaction(async (tx) => {
          await lockTutorialSlugs(tx);
          const slug = await uniqueSlug(slugBase(fields.title), (candidate) => slugExists(tx, candidate));
          const order = fields.order ?? (await nextOrder(tx, fields.category));
          const row = await insertTutorial(tx, { ...fields, order, thumbnail: path, slug, isPublished: draft.publish, authorId: admin.userId, at: clock() });
          if (!row) throw new Error(`the slug ${slug} was taken despite the lock`);
          await audit(tx, admin, 'create', row, { category: row.category, published: row.is_published });
          return { status: 'saved', tutorial: row };
        }),
      );
    },
    async update(id, change, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      let replaced: string | null = null;
      const result = await withPicture(change.field === 'thumbnail' ? change.value : null, async (path) => {
        const patch = change.field === 'thumbnail' ? valid({ thumbnail: path }) : checkChange(change);
        if (!patch.ok) return { status: 'invalid', reason: patch.reason };
        return pool.transaction(async (tx) => {
          const before = await findTutorial(tx, id, { forUpdate: true });
          if (!before) return { status: 'not_found' };
          const after = await updateTutorial(tx, id, patch.value, clock());
          if (!after) return { status: 'not_found' };
          replaced = change.field === 'thumbnail' ? before.thumbnail : null;
          await audit(tx, admin, 'update', after, { field: change.field, from: describe(change.field, before), to: describe(change.field, after) });
          return { status: 'saved', tutorial: after };
        });
      });
      if (result.status === 'saved' && replaced) await media.remove(replaced);
      return result;
    },
    async setPublished(id, published, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      return pool.transaction(async (tx): Promise<PublishResult> => {
        const row = await setTutorialPublished(tx, id, published, clock());
        if (!row) {
          const current = await findTutorial(tx, id);
          return current ? { status: 'unchanged', tutorial: current } : { status: 'not_found' };
        }
        await audit(tx, admin, published ? 'publish' : 'unpublish', row);
        return { status: 'saved', tutorial: row };
      });
    },
    async remove(id, from) {
      const admin = await admins.actorFor(from);
      if (!admin) return { status: 'not_admin' };
      const result = await pool.transaction(async (tx): Promise<AuthoringResult> => {
        const row = await deleteTutorial(tx, id);
        if (!row) return { status: 'not_found' };
        await audit(tx, admin, 'delete', row, { category: row.category });
        return { status: 'saved', tutorial: row };
      });
      if (result.status === 'saved' && result.tutorial.thumbnail) await media.remove(result.tutorial.thumbnail);
      return result;
    },
  };
}

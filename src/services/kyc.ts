import type { DatabasePool } from 'slonik';
import {
  findKycByUserId,
  findKycWithUser,
  listKycInStatuses,
  transitionKyc,
  upsertKycSubmission,
  type DocumentType,
  type KycRow,
  type KycStatus,
  type KycSubmission,
  type KycWithUser,
} from '../db/kyc.ts';
import { setKycStatus } from '../db/users.ts';
import type { MediaStore } from './mediaStore.ts';
import { userCardFields } from './requestCards.ts';
import type { ApprovalKind, RequestStatus } from './approvals.ts';
import { notifyUser } from './notifications.ts';
import { invalid, valid, type Checked } from './validation.ts';

export type { DocumentType, KycRow };

export const DOCUMENT_LABELS: Record<DocumentType, string> = {
  NATIONAL_ID: 'Ghana Card',
  PASSPORT: 'Passport',
  DRIVER_LICENSE: "Driver's licence",
};

/** A passport has no back side worth checking; the other documents do. */
export function needsBackPhoto(type: DocumentType): boolean {
  return type !== 'PASSPORT';
}

/** Document numbers, normalised: Ghana Card GHA-#########-#, passport 6–9 letters/digits, licence 6–20. */
export function checkDocumentNumber(type: DocumentType, text: string): Checked<string> {
  const compact = text.trim().toUpperCase().replace(/[\s-]/g, '');
  if (type === 'NATIONAL_ID') {
    const match = /^GHA(\d{9})(\d)$/.exec(compact);
    return match ? valid(`GHA-${match[1]}-${match[2]}`) : invalid('A Ghana Card number looks like GHA-123456789-0 (GHA, 9 digits, 1 digit). Please type it again.');
  }
  if (type === 'PASSPORT') {
    return /^[A-Z0-9]{6,9}$/.test(compact) && /\d/.test(compact)
      ? valid(compact)
      : invalid('A passport number is 6 to 9 letters and digits, e.g. G1234567. Please type it again.');
  }
  const licence = text.trim().toUpperCase().replace(/\s+/g, '');
  return /^[A-Z0-9][A-Z0-9-]{4,18}[A-Z0-9]$/.test(licence) && /\d/.test(licence)
    ? valid(licence)
    : invalid("A driver's licence number is 6 to 20 letters, digits and dashes, e.g. KAS-12345678. Please type it again.");
}

const MINIMUM_AGE = 18;

/** 2000-01-31 or 31/01/2000: a real date, not in the future, and 18 or older on `today` (YYYY-MM-DD). */
export function checkDateOfBirth(text: string, today: string): Checked<string> {
  const trimmed = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dayFirst = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(trimmed);
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : dayFirst
      ? [Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1])]
      : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return invalid('Please type your date of birth as on your ID, like 2000-01-31 or 31/01/2000.');
  }
  const value = date.toISOString().slice(0, 10);
  if (year < 1900 || value > today) return invalid('That date is not possible for a date of birth. Please check it and type it again.');
  const [todayYear, todayRest] = [Number(today.slice(0, 4)), today.slice(4)];
  const age = todayYear - year - (todayRest < value.slice(4) ? 1 : 0);
  if (age < MINIMUM_AGE) return invalid(`You must be ${MINIMUM_AGE} or older to trade here.`);
  return valid(value);
}

export function checkAddress(text: string): Checked<string> {
  const address = text.trim().replace(/\s+/g, ' ');
  if (address.length < 8 || address.length > 300 || !/\p{L}/u.test(address)) {
    return invalid('Please type your home address with house number, street and town, e.g. House 12, Oxford Street, Osu, Accra (or your GhanaPost GPS address).');
  }
  return valid(address);
}

export type KycSubmitResult =
  | { status: 'submitted'; kyc: KycRow }
  | { status: 'not_allowed'; current: KycStatus }
  | { status: 'invalid_image'; reason: string };

export type KycDetails = Omit<KycSubmission, 'documentFront' | 'documentBack' | 'selfie'>;
export interface KycImages {
  front: Buffer;
  back: Buffer | null;
  selfie: Buffer;
}

export interface KycService {
  current(userId: number): Promise<KycRow | null>;
  /**
   * Stores the photos (upright, without metadata) and saves the (re)submission, setting users.kyc_status to
   * pending; refused while a submission is open or approved.
   */
  submit(details: KycDetails, images: KycImages): Promise<KycSubmitResult>;
  approvalKind: ApprovalKind;
}

const STATUS_OF: Record<KycStatus, RequestStatus> = {
  PENDING: 'pending',
  UNDER_REVIEW: 'under_review',
  APPROVED: 'approved',
  REJECTED: 'declined',
};

export const KYC_DECLINE_REASONS = [
  'The photos are unreadable',
  'The document has expired',
  'The name does not match the document',
  'The selfie does not match the document',
  'This document type is not accepted',
] as const;

function cardFields(kyc: KycWithUser): [string, string][] {
  return [
    ...userCardFields({ ...kyc, first_name: kyc.account_first_name, last_name: kyc.account_last_name }),
    ['Document', `${DOCUMENT_LABELS[kyc.document_type]} ${kyc.document_number}`],
    ['Name on document', `${kyc.first_name} ${kyc.last_name}`],
    ['Date of birth', kyc.date_of_birth],
    ['Address', kyc.address],
  ];
}

class ImageRefused extends Error {}

export function createKycService(deps: { pool: DatabasePool; media: MediaStore }): KycService {
  const { pool, media } = deps;
  const removeAll = (paths: readonly string[]) => Promise.all(paths.map((path) => media.remove(path)));

  const approvalKind: ApprovalKind = {
    kind: 'kyc',
    label: 'KYC verification',
    approveLabel: 'Approve',
    approvedLabel: 'Approved',
    declineLabel: 'Reject',
    declinedLabel: 'Rejected',
    declineReasons: KYC_DECLINE_REASONS,
    canStartReview: true,

    async card(db, id) {
      const kyc = await findKycWithUser(db, id);
      if (!kyc) return null;
      return {
        kind: 'kyc',
        id,
        title: `KYC verification #${id}`,
        status: STATUS_OF[kyc.status],
        fields: cardFields(kyc),
        photos: [kyc.document_front, ...(kyc.document_back ? [kyc.document_back] : []), kyc.selfie],
        submittedAt: kyc.submitted_at,
      };
    },

    ownerId: async (db, id) => (await findKycWithUser(db, id))?.user_id ?? null,

    async listPending(db) {
      const open = await listKycInStatuses(db, ['PENDING', 'UNDER_REVIEW']);
      return open.map((kyc) => ({
        kind: 'kyc',
        id: kyc.id,
        submittedAt: kyc.submitted_at,
        summary: `KYC #${kyc.id}: ${kyc.first_name} ${kyc.last_name}, ${DOCUMENT_LABELS[kyc.document_type]}${kyc.status === 'UNDER_REVIEW' ? ' (in review)' : ''}`,
      }));
    },

    async approve(tx, id, admin) {
      const kyc = await transitionKyc(tx, id, ['PENDING', 'UNDER_REVIEW'], 'APPROVED', { reviewerId: admin.userId, decided: true });
      if (!kyc) return false;
      await setKycStatus(tx, kyc.user_id, 'approved');
      await notifyUser(tx, {
        userId: kyc.user_id,
        type: 'KYC_APPROVED',
        title: 'Identity verified',
        message: 'Your identity is verified. You can now buy and sell: open the menu to start.',
      });
      return true;
    },

    async decline(tx, id, admin, reason) {
      const kyc = await transitionKyc(tx, id, ['PENDING', 'UNDER_REVIEW'], 'REJECTED', {
        reviewerId: admin.userId,
        rejectionReason: reason,
        decided: true,
      });
      if (!kyc) return false;
      await setKycStatus(tx, kyc.user_id, 'rejected');
      await notifyUser(tx, {
        userId: kyc.user_id,
        type: 'KYC_REJECTED',
        title: 'Identity not verified',
        message: `We could not verify your identity. Reason: ${reason}. Send /kyc to submit your documents again.`,
      });
      return true;
    },

    async startReview(tx, id, admin) {
      const kyc = await transitionKyc(tx, id, ['PENDING'], 'UNDER_REVIEW', { reviewerId: admin.userId, decided: false });
      if (!kyc) return false;
      await notifyUser(tx, {
        userId: kyc.user_id,
        type: 'KYC_UNDER_REVIEW',
        title: 'Documents in review',
        message: 'An admin is reviewing your documents now. You will hear from us as soon as it is done.',
      });
      return true;
    },
  };

  return {
    current: (userId) => findKycByUserId(pool, userId),
    async submit(details, images) {
      const stored: string[] = [];
      const store = async (image: Buffer): Promise<string> => {
        const result = await media.storeImage(image, 'kyc');
        if (!result.ok) throw new ImageRefused(result.reason);
        stored.push(result.value.path);
        return result.value.path;
      };
      try {
        const documentFront = await store(images.front);
        const documentBack = images.back ? await store(images.back) : null;
        const selfie = await store(images.selfie);
        const result = await pool.transaction(async (tx) => {
          const kyc = await upsertKycSubmission(tx, { ...details, documentFront, documentBack, selfie });
          if (!kyc) {
            const current = await findKycByUserId(tx, details.userId);
            return { status: 'not_allowed', current: current?.status ?? 'PENDING' } as const;
          }
          await setKycStatus(tx, details.userId, 'pending');
          return { status: 'submitted', kyc } as const;
        });
        if (result.status === 'not_allowed') await removeAll(stored);
        return result;
      } catch (error) {
        // Photos of a submission that was not saved are not kept.
        await removeAll(stored);
        if (error instanceof ImageRefused) return { status: 'invalid_image', reason: error.message };
        throw error;
      }
    },
    approvalKind,
  };
}

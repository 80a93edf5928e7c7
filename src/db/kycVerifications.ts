import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const KYC_STATUSES = ['PENDING', 'UNDER_REVIEW', 'APPROVED', 'REJECTED'] as const;
export const DOCUMENT_TYPES = ['PASSPORT', 'DRIVER_LICENSE', 'NATIONAL_ID'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const kycRowSchema = z.object({
  id: z.number(),
  user_id: z.number(),
  status: z.enum(KYC_STATUSES),
  document_type: z.enum(DOCUMENT_TYPES),
  document_number: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  date_of_birth: z.string(),
  address: z.string(),
  document_front: z.string(),
  document_back: z.string().nullable(),
  selfie: z.string(),
  rejection_reason: z.string().nullable(),
  reviewed_by_id: z.number().nullable(),
  submitted_at: z.date(),
  reviewed_at: z.date().nullable(),
});
export type KycRow = z.infer<typeof kycRowSchema>;

const kycWithUserSchema = kycRowSchema.extend({
  telegram_id: z.number().nullable(),
  username: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  account_first_name: z.string().nullable(),
  account_last_name: z.string().nullable(),
});
export type KycWithUser = z.infer<typeof kycWithUserSchema>;

const kycColumns = sql.fragment`
  k.id, k.user_id, k.status, k.document_type, k.document_number, k.first_name, k.last_name, k.date_of_birth,
  k.address, k.document_front, k.document_back, k.selfie, k.rejection_reason, k.reviewed_by_id, k.submitted_at,
  k.reviewed_at
`;

export async function findKycByUserId(db: CommonQueryMethods, userId: number): Promise<KycRow | null> {
  return db.maybeOne(sql.type(kycRowSchema)`SELECT ${kycColumns} FROM kyc_verifications k WHERE k.user_id = ${userId}`);
}

export async function findKycWithUser(db: CommonQueryMethods, id: number): Promise<KycWithUser | null> {
  return db.maybeOne(sql.type(kycWithUserSchema)`
    SELECT ${kycColumns}, u.telegram_id, u.username, u.email, u.phone,
           u.first_name AS account_first_name, u.last_name AS account_last_name
      FROM kyc_verifications k JOIN users u ON u.id = k.user_id
     WHERE k.id = ${id}
  `);
}

export interface KycSubmission {
  userId: number;
  documentType: DocumentType;
  documentNumber: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  address: string;
  documentFront: string;
  documentBack: string | null;
  selfie: string;
}

/**
 * One row per user: a first submission inserts it, a resubmission after a rejection replaces its content and
 * resets it to PENDING. Returns null when the user's row is not REJECTED (pending, in review or approved).
 */
export async function upsertKycSubmission(db: CommonQueryMethods, submission: KycSubmission): Promise<KycRow | null> {
  return db.maybeOne(sql.type(kycRowSchema)`
    INSERT INTO kyc_verifications AS k (
      user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address,
      document_front, document_back, selfie, submitted_at
    ) VALUES (
      ${submission.userId}, 'PENDING', ${submission.documentType}, ${submission.documentNumber}, ${submission.firstName},
      ${submission.lastName}, ${submission.dateOfBirth}, ${submission.address}, ${submission.documentFront},
      ${submission.documentBack}, ${submission.selfie}, now()
    )
    ON CONFLICT (user_id) DO UPDATE SET
      status = 'PENDING', document_type = EXCLUDED.document_type, document_number = EXCLUDED.document_number,
      first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, date_of_birth = EXCLUDED.date_of_birth,
      address = EXCLUDED.address, document_front = EXCLUDED.document_front, document_back = EXCLUDED.document_back,
      selfie = EXCLUDED.selfie, rejection_reason = NULL, reviewed_by_id = NULL, reviewed_at = NULL,
      submitted_at = EXCLUDED.submitted_at
    WHERE k.status = 'REJECTED'
    RETURNING ${kycColumns}
  `);
}

/** Guarded transition from one of `from` to `to`: null when the row is no longer in one of `from`. */
export async function transitionKyc(
  db: CommonQueryMethods,
  id: number,
  from: readonly KycStatus[],
  to: KycStatus,
  review: { reviewerId: number | null; rejectionReason?: string | null; decided: boolean },
): Promise<KycRow | null> {
  return db.maybeOne(sql.type(kycRowSchema)`
    UPDATE kyc_verifications k
       SET status = ${to},
           reviewed_by_id = ${review.reviewerId},
           rejection_reason = ${review.rejectionReason ?? null},
           reviewed_at = ${review.decided ? sql.fragment`now()` : null}
     WHERE k.id = ${id} AND k.status = ANY(${sql.array(from, 'text')})
    RETURNING ${kycColumns}
  `);
}

export async function listKycInStatuses(db: CommonQueryMethods, statuses: readonly KycStatus[]): Promise<readonly KycWithUser[]> {
  return db.any(sql.type(kycWithUserSchema)`
    SELECT ${kycColumns}, u.telegram_id, u.username, u.email, u.phone,
           u.first_name AS account_first_name, u.last_name AS account_last_name
      FROM kyc_verifications k JOIN users u ON u.id = k.user_id
     WHERE k.status = ANY(${sql.array(statuses, 'text')})
     ORDER BY k.submitted_at, k.id
  `);
}

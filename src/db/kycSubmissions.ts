import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import type { WaitingSource } from './readModels/waitingRequests.ts';

export const KYC_STATUSES = ['PENDING', 'UNDER_REVIEW', 'APPROVED', 'REJECTED'] as const;
export const DOCUMENT_TYPES = ['PASSPORT', 'DRIVER_LICENSE', 'NATIONAL_ID'] as const;
export type KycStatus = (typeof KYC_STATUSES)[number];
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

/** The columns a KYC submission and the user's current verification (kyc_verifications) share. */
export const kycSubmissionSchema = z.object({
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
const submissionColumns = columnsOf(kycSubmissionSchema);
export type KycSubmissionRow = z.infer<typeof kycSubmissionSchema>;

const withUserSchema = kycSubmissionSchema.extend({
  telegram_id: z.number().nullable(),
  username: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  account_first_name: z.string().nullable(),
  account_last_name: z.string().nullable(),
});
export type KycSubmissionWithUser = z.infer<typeof withUserSchema>;

const withUser = sql.fragment`
  ${columnsOf(kycSubmissionSchema, 's')}, u.telegram_id, u.username, u.email, u.phone, u.first_name AS account_first_name, u.last_name AS account_last_name
  FROM kyc_submissions s JOIN users u ON u.id = s.user_id
`;

export interface NewKycSubmission {
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

export async function insertKycSubmission(db: CommonQueryMethods, submission: NewKycSubmission): Promise<KycSubmissionRow> {
  return db.one(sql.type(kycSubmissionSchema)`
    INSERT INTO kyc_submissions (
      user_id, document_type, document_number, first_name, last_name, date_of_birth, address,
      document_front, document_back, selfie, submitted_at
    ) VALUES (
      ${submission.userId}, ${submission.documentType}, ${submission.documentNumber}, ${submission.firstName},
      ${submission.lastName}, ${submission.dateOfBirth}, ${submission.address}, ${submission.documentFront},
      ${submission.documentBack}, ${submission.selfie}, now()
    )
    RETURNING ${submissionColumns}
  `);
}

export async function findKycSubmissionWithUser(db: CommonQueryMethods, id: number): Promise<KycSubmissionWithUser | null> {
  return db.maybeOne(sql.type(withUserSchema)`SELECT ${withUser} WHERE s.id = ${id}`);
}

/** A submission waiting for an admin: pending or under review (the predicate of kyc_submissions_open_idx). */
const open = sql.fragment`s.status IN ('PENDING', 'UNDER_REVIEW')`;

export const waitingKycSubmissions: WaitingSource = sql.fragment`SELECT s.id, s.submitted_at FROM kyc_submissions s WHERE ${open}`;

/** The submissions among `ids` that still wait for an admin, oldest first (a prepared statement: the admins' queue lists them often). */
export async function listOpenKycSubmissions(db: CommonQueryMethods, ids: readonly number[]): Promise<readonly KycSubmissionWithUser[]> {
  return db.any(sql.prepared('open_kyc_submissions', withUserSchema)`SELECT ${withUser} WHERE ${open} AND s.id = ANY(${sql.array(ids, 'int8')}) ORDER BY s.submitted_at, s.id`);
}

/** Guarded transition from one of `from` to `to`: null when the submission is no longer in one of `from`. */
export async function transitionKycSubmission(
  db: CommonQueryMethods,
  id: number,
  from: readonly KycStatus[],
  to: KycStatus,
  review: { reviewerId: number | null; rejectionReason?: string | null; decided: boolean },
): Promise<KycSubmissionRow | null> {
  return db.maybeOne(sql.type(kycSubmissionSchema)`
    UPDATE kyc_submissions
       SET status = ${to}, reviewed_by_id = ${review.reviewerId}, rejection_reason = ${review.rejectionReason ?? null},
           reviewed_at = ${review.decided ? sql.fragment`now()` : null}
     WHERE id = ${id} AND status = ANY(${sql.array(from, 'text')})
    RETURNING ${submissionColumns}
  `);
}

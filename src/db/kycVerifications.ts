import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { columnsOf } from './commonRows.ts';
import { kycSubmissionSchema, type KycSubmissionRow } from './kycSubmissions.ts';

export { DOCUMENT_TYPES, KYC_STATUSES, type DocumentType, type KycStatus } from './kycSubmissions.ts';

/** The user's current verification (one per user, as the schema has it): a copy of its latest submission. */
const kycRowSchema = kycSubmissionSchema.extend({ submission_id: z.number().nullable() });
const kycColumns = columnsOf(kycRowSchema);
export type KycRow = z.infer<typeof kycRowSchema>;

export async function findKycByUserId(db: CommonQueryMethods, userId: number): Promise<KycRow | null> {
  return db.maybeOne(sql.type(kycRowSchema)`SELECT ${kycColumns} FROM kyc_verifications WHERE user_id = ${userId}`);
}

/**
 * Makes a new submission the user's current verification: inserted the first time, replaced after a rejection.
 * Null when the current one is not REJECTED (pending, in review or approved): the submission is refused.
 */
export async function replaceCurrentKyc(db: CommonQueryMethods, submission: KycSubmissionRow): Promise<KycRow | null> {
  return db.maybeOne(sql.type(kycRowSchema)`
    INSERT INTO kyc_verifications AS k (
      user_id, status, document_type, document_number, first_name, last_name, date_of_birth, address,
      document_front, document_back, selfie, submitted_at, submission_id
    ) VALUES (
      ${submission.user_id}, 'PENDING', ${submission.document_type}, ${submission.document_number}, ${submission.first_name},
      ${submission.last_name}, ${submission.date_of_birth}, ${submission.address}, ${submission.document_front},
      ${submission.document_back}, ${submission.selfie}, ${submission.submitted_at.toISOString()}, ${submission.id}
    )
    ON CONFLICT (user_id) DO UPDATE SET
      status = 'PENDING', document_type = EXCLUDED.document_type, document_number = EXCLUDED.document_number,
      first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, date_of_birth = EXCLUDED.date_of_birth,
      address = EXCLUDED.address, document_front = EXCLUDED.document_front, document_back = EXCLUDED.document_back,
      selfie = EXCLUDED.selfie, rejection_reason = NULL, reviewed_by_id = NULL, reviewed_at = NULL,
      submitted_at = EXCLUDED.submitted_at, submission_id = EXCLUDED.submission_id
    WHERE k.status = 'REJECTED'
    RETURNING ${kycColumns}
  `);
}

/** A decision on the current submission is the user's verification status too. */
export async function mirrorKycDecision(db: CommonQueryMethods, submission: KycSubmissionRow): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE kyc_verifications
       SET status = ${submission.status}, reviewed_by_id = ${submission.reviewed_by_id}, rejection_reason = ${submission.rejection_reason},
           reviewed_at = ${submission.reviewed_at?.toISOString() ?? null}
     WHERE submission_id = ${submission.id}
  `);
}

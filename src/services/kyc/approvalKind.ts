import {
  findKycSubmissionWithUser,
  listOpenKycSubmissions,
  transitionKycSubmission,
  waitingKycSubmissions,
  type KycStatus,
  type KycSubmissionRow,
} from '../../db/kycSubmissions.ts';
import { mirrorKycDecision } from '../../db/kycVerifications.ts';
import { setKycStatus } from '../../db/users.ts';
import type { ApprovalKind, RequestStatus } from '../approvals/approvalKind.ts';
import { kycNotices } from './notices.ts';

/** What a KYC card shows: one submission as typed and photographed (each submission has its own card). */
export type KycFacts = KycSubmissionRow;

const STATUS_OF: Record<KycStatus, RequestStatus> = {
  PENDING: 'pending',
  UNDER_REVIEW: 'under_review',
  APPROVED: 'approved',
  REJECTED: 'declined',
};

/** KYC submissions as approval requests: approve, reject with a reason, or start a review first. */
export const kycApprovalKind: ApprovalKind<KycFacts> = {
  kind: 'kyc',
  canStartReview: true,

  async load(db, id) {
    const kyc = await findKycSubmissionWithUser(db, id);
    if (!kyc) return null;
    return {
      kind: 'kyc',
      id,
      status: STATUS_OF[kyc.status],
      submittedAt: kyc.submitted_at,
      requester: { ...kyc, id: kyc.user_id, first_name: kyc.account_first_name, last_name: kyc.account_last_name },
      photos: [kyc.document_front, ...(kyc.document_back ? [kyc.document_back] : []), kyc.selfie],
      details: kyc,
    };
  },

  ownerId: async (db, id) => (await findKycSubmissionWithUser(db, id))?.user_id ?? null,

  waiting: waitingKycSubmissions,

  async listPending(db, ids) {
    const open = await listOpenKycSubmissions(db, ids);
    return open.map((kyc) => ({ kind: 'kyc', id: kyc.id, submittedAt: kyc.submitted_at, details: kyc }));
  },

  async approve(tx, id, admin) {
    const kyc = await transitionKycSubmission(tx, id, ['PENDING', 'UNDER_REVIEW'], 'APPROVED', { reviewerId: admin.userId, decided: true });
    if (!kyc) return null;
    await mirrorKycDecision(tx, kyc);
    await setKycStatus(tx, kyc.user_id, 'approved');
    return { userId: kyc.user_id, notice: kycNotices.approved() };
  },

  async decline(tx, id, admin, reason) {
    const kyc = await transitionKycSubmission(tx, id, ['PENDING', 'UNDER_REVIEW'], 'REJECTED', {
      reviewerId: admin.userId,
      rejectionReason: reason,
      decided: true,
    });
    if (!kyc) return null;
    await mirrorKycDecision(tx, kyc);
    await setKycStatus(tx, kyc.user_id, 'rejected');
    return { userId: kyc.user_id, notice: kycNotices.rejected(reason) };
  },

  async startReview(tx, id, admin) {
    const kyc = await transitionKycSubmission(tx, id, ['PENDING'], 'UNDER_REVIEW', { reviewerId: admin.userId, decided: false });
    if (!kyc) return null;
    await mirrorKycDecision(tx, kyc);
    return { userId: kyc.user_id, notice: kycNotices.underReview() };
  },
};

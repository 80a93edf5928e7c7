import type { KycFacts } from '../../services/kyc/approvalKind.ts';
import { DOCUMENT_LABELS } from '../../services/kyc/documents.ts';
import type { CardView } from '../../telegram/cards.ts';

/** How a KYC submission reads on its admin card. */
export const kycCardView: CardView<KycFacts> = {
  kind: 'kyc',
  label: 'KYC verification',
  approveLabel: 'Approve',
  approvedLabel: 'Approved',
  declineLabel: 'Reject',
  declinedLabel: 'Rejected',
  declineReasons: [
    'The photos are unreadable',
    'The document has expired',
    'The name does not match the document',
    'The selfie does not match the document',
    'This document type is not accepted',
  ],
  title: (card) => `KYC verification #${card.id}`,
  fields: ({ details: kyc }) => [
    ['Document', `${DOCUMENT_LABELS[kyc.document_type]} ${kyc.document_number}`],
    ['Name on document', `${kyc.first_name} ${kyc.last_name}`],
    ['Date of birth', kyc.date_of_birth],
    ['Address', kyc.address],
  ],
  pendingSummary: ({ id, details: kyc }) =>
    `KYC #${id}: ${kyc.first_name} ${kyc.last_name}, ${DOCUMENT_LABELS[kyc.document_type]}${kyc.status === 'UNDER_REVIEW' ? ' (in review)' : ''}`,
};

import type { Api } from 'grammy';
import type { Requester, PendingRequest, RequestFacts } from '../services/approvals/approvalKind.ts';

export type { Requester, PendingRequest, RequestFacts };

/**
 * How one request kind reads on its admin card (features/<domain>/cards.ts); the rules of the kind are its
 * ApprovalKind in services. `D` is the kind's own facts.
 */
export interface CardView<D = unknown> {
  kind: string;
  /** e.g. "Withdrawal", as in "type the reason for declining Withdrawal #12". */
  label: string;
  /** Button and past-tense words, e.g. Approve/Approved, Reject/Rejected, Paid/Paid. */
  approveLabel: string;
  approvedLabel: string;
  declineLabel: string;
  declinedLabel: string;
  declineReasons: readonly string[];
  title(card: RequestFacts<D>): string;
  /** The kind's fields, after who asked: [label, plain text] (escaped when shown). */
  fields(card: RequestFacts<D>): readonly (readonly [string, string])[];
  /** One line in /pending. */
  pendingSummary(request: PendingRequest<D>): string;
}

export interface CardPublisher {
  /** Posts a request's card (photos first, then the details with the buttons) and remembers it. */
  post(api: Api, kind: string, id: number, chatId?: number): Promise<void>;
  /** Posts the card of a new request unless it was posted already (a step that ran again). */
  postIfNew(api: Api, kind: string, id: number): Promise<void>;
  /** Edits every posted copy of the card to its current state, for every admin to see. */
  refresh(api: Api, kind: string, id: number): Promise<void>;
  /** The view of a kind, for wording prompts about it. */
  view(kind: string): CardView<unknown> | undefined;
}

/** What the admin who tapped is told (a short toast, or an alert when nothing changed), and whether it applied. */
export interface DecisionOutcome {
  text: string;
  alert: boolean;
  applied: boolean;
  /** When applied: the users.id whose notification goes out right after. */
  ownerId?: number | null;
}

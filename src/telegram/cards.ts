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
  /** The kind's fields, after who asked: [label, plain text] (escaped when shown); `code` shows it as copyable code. */
  fields(card: RequestFacts<D>): readonly (readonly [string, string] | readonly [string, string, 'code'])[];
  /** One line in /pending. */
  pendingSummary(request: PendingRequest<D>): string;
  /** A payout whose Paid takes a transaction hash rather than a MoMo or bank reference: how it is asked. */
  payoutReference?: {
    /** e.g. "the transaction hash", as in "Type the transaction hash of your payout of …". */
    noun: string;
    placeholder: string;
  };
  /** A payout's other way of paying, offered beside "I'm paying this" (a provider's transfer): its button, if any. */
  payoutButton?(card: RequestFacts<D>): { label: string; data: string } | undefined;
  /** The words of the kind's step after approval, when its rules have one (ApprovalKind.followUp). */
  followUp?: {
    /** e.g. "Mark completed". */
    buttonLabel: string;
    /** e.g. "Completed", as in "Completed by Ama at 14:02". */
    doneLabel: string;
    /** What an approved card says is next, e.g. "tap Mark completed once the card is redeemed". */
    hint: string;
  };
}

export interface CardPublisher {
  /**
   * Posts a request's card in `chatId` at once (an admin's own chat, as the answer to their tap) and remembers it.
   * Cards in the admin chat are queued by the services instead (services/approvals/cardQueue.ts).
   */
  postTo(api: Api, kind: string, id: number, chatId: number): Promise<void>;
  /** Delivers the admin chat's queued cards soon: call it after a commit that queued one; it is never awaited. */
  kick(): void;
  /** Delivers the admin chat's queued cards now (the job's run, every few seconds); returns how many. */
  deliverDue(): Promise<number>;
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
  /** Someone decided (or claimed, or released) first: the tapped card may show an old state, so it is refreshed. */
  alreadyDecided?: boolean;
  /** Not a decision, but the card changed (an approval counted towards two): its queued edit is to be sent. */
  cardChanged?: boolean;
}

/** What an admin types with a payout's Paid: "the transaction hash" for crypto, else the MoMo or bank reference's name. */
export function payoutReferenceNoun(view: Pick<CardView<unknown>, 'payoutReference'> | undefined): string {
  return view?.payoutReference?.noun ?? 'the payout reference';
}

import { Big, formatGhs } from '../../services/common/amounts.ts';
import type { CatalogueOutcome, GiftCardRow, NewCardInput } from '../../services/giftcards/catalogue.ts';
import { describeRate } from '../../services/giftcards/rules.ts';
import { html, type SafeHtml } from '../../telegram/html.ts';

/** A catalogue card as plain values, for conversations (they store what they read). */
export interface CatalogueCard extends NewCardInput {
  id: number;
  hasImage: boolean;
}

export function plainCard(card: GiftCardRow): CatalogueCard {
  return {
    id: card.id,
    name: card.name,
    brand: card.brand,
    currency: card.currency,
    rateBuy: card.rate_buy,
    rateSell: card.rate_sell,
    active: card.is_active,
    hasImage: card.image !== null,
  };
}

/** "we pay GHS 11.50 per 1 USD, sell at GHS 12.80", or that it has no rates yet. */
export function ratesText(card: Pick<CatalogueCard, 'rateBuy' | 'rateSell' | 'currency'>): string {
  if (new Big(card.rateBuy).eq(0)) return 'no rates yet';
  return `we pay ${describeRate(card.rateBuy, card.currency)}, sell at ${formatGhs(card.rateSell)}`;
}

/** A card's details for admins. */
export function catalogueCardText(card: CatalogueCard): SafeHtml {
  return html`🎁 <b>${card.name}</b> (${card.brand}, ${card.currency})
Status: ${card.active ? '✅ offered to users' : '💤 inactive: users do not see it'}
Rates: ${ratesText(card)}
Picture: ${card.hasImage ? 'yes' : 'none'}`;
}

/** Why a catalogue change was not made, as plain text (for an alert, or escaped into a message). */
export function catalogueProblemText(outcome: Exclude<CatalogueOutcome, { status: 'done' }>): string {
  switch (outcome.status) {
    case 'unchanged':
      return `Nothing changed: ${outcome.card.name} is like that already.`;
    case 'not_admin':
      return 'Only admins can change the catalogue.';
    case 'not_found':
      return 'That card no longer exists. Send /catalogue to see the catalogue.';
    case 'duplicate':
      return 'A card with that brand, name and currency exists already. Send /catalogue to change it instead.';
    case 'no_rate':
      return `${outcome.card.name} has no buying rate yet: tap Edit rates first, then activate it.`;
    case 'invalid_image':
      return `${outcome.reason} Nothing was saved.`;
  }
}

/** What an admin is told after a catalogue change. */
export function catalogueOutcomeText(outcome: CatalogueOutcome, done: (card: CatalogueCard) => SafeHtml): SafeHtml {
  return outcome.status === 'done' ? done(plainCard(outcome.card)) : html`${catalogueProblemText(outcome)}`;
}

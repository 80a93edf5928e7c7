import Big from 'big.js';
import { RATE_SOURCES } from '../../db/rates.ts';
import type { SettingsPatch, SettingsRow } from '../../db/settings.ts';
import { formatGhs, parseAmount } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';

/** One editable setting: how it is shown, how a typed value is checked, and how it is written. */
export interface SettingField {
  key: string;
  label: string;
  /** What to type, with an example. */
  prompt: string;
  /** When set, the value is picked from these buttons instead of typed. */
  choices?: readonly string[];
  format(settings: SettingsRow): string;
  parse(text: string): Checked<SettingsPatch>;
  /** A rule across settings (e.g. smallest ≤ largest), checked on the settings as a change would leave them. */
  check?(settings: SettingsRow): string | null;
}

function parseContacts(text: string): Checked<Record<string, string>> {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const contacts: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([\p{L}\d _-]{1,30}):\s*(.{1,200})$/u.exec(line);
    if (!match?.[1] || !match[2]) return invalid(`"${line.slice(0, 40)}" is not "name: value". Write one contact per line, e.g. WhatsApp: +233 24 000 0000`);
    contacts[match[1].trim()] = match[2].trim();
  }
  if (lines.length === 0 || lines.length > 10) return invalid('Give 1 to 10 contacts, one per line, e.g. WhatsApp: +233 24 000 0000');
  return valid(contacts);
}

/** A cedi amount setting (e.g. a smallest or largest amount), typed with at most 2 decimals. */
export function cediSetting(key: string, label: string, example: string, check?: SettingField['check']): SettingField {
  return {
    key,
    label,
    prompt: `Type the ${label.toLowerCase()} in cedis, e.g. ${example}`,
    format: (settings) => formatGhs(String(settings[key])),
    parse: (text) => {
      const amount = parseAmount(text, 'GHS');
      return amount.ok && amount.value.currency === 'GHS'
        ? valid({ [key]: new Big(amount.value.amount).toFixed(2) })
        : invalid(`Type an amount in cedis with at most 2 decimals, e.g. ${example}`);
    },
    ...(check ? { check } : {}),
  };
}

/** A cedi threshold that 0 (or "off") turns off: `shown` words a value above 0, `off` the value 0. */
export function cediThresholdSetting(field: { key: string; label: string; prompt: string; example: string; shown: (amount: string) => string; off: string }): SettingField {
  const { key } = field;
  return {
    key,
    label: field.label,
    prompt: field.prompt,
    format: (settings) => {
      const threshold = String(settings[key]);
      return new Big(threshold).gt(0) ? field.shown(formatGhs(threshold)) : field.off;
    },
    parse: (text) => {
      if (/^(0+(\.0*)?|off)$/iu.test(text.trim())) return valid({ [key]: '0.00' });
      const amount = parseAmount(text, 'GHS');
      return amount.ok && amount.value.currency === 'GHS'
        ? valid({ [key]: new Big(amount.value.amount).toFixed(2) })
        : invalid(`Type an amount in cedis with at most 2 decimals, e.g. ${field.example}, or 0 to turn it off`);
    },
  };
}

/** The rule of a pair of cedi settings: the smallest cannot be above the largest. */
export function smallestNotAboveLargest(minKey: string, maxKey: string): (settings: SettingsRow) => string | null {
  return (settings) => {
    const [min, max] = [String(settings[minKey]), String(settings[maxKey])];
    return new Big(min).gt(max) ? `The smallest amount (${formatGhs(min)}) cannot be above the largest (${formatGhs(max)}).` : null;
  };
}

function paymentDetails(key: 'momo_payment_details' | 'bank_payment_details', label: string, example: string): SettingField {
  return {
    key,
    label,
    prompt: `Type the ${label.toLowerCase()} users pay to, e.g. ${example}`,
    format: (settings) => String(settings[key]) || 'not set: users cannot pay by this method until you set it',
    parse: (text) => {
      const details = text.trim();
      return details.length >= 10 && details.length <= 300 ? valid({ [key]: details }) : invalid(`Type 10 to 300 characters, e.g. ${example}`);
    },
  };
}

export const SETTING_FIELDS: readonly SettingField[] = [
  {
    key: 'live_rate_source',
    label: 'Live rate source',
    prompt: 'Choose where the live crypto price comes from.',
    choices: RATE_SOURCES,
    format: (settings) => settings.live_rate_source,
    parse: (text) =>
      (RATE_SOURCES as readonly string[]).includes(text) ? valid({ live_rate_source: text }) : invalid(`Choose one of ${RATE_SOURCES.join(', ')}.`),
  },
  {
    key: 'escrow_percent',
    label: 'Escrow fee',
    prompt: 'Type the escrow fee charged to sellers on market trades, in percent, e.g. 2.5',
    format: (settings) => `${new Big(settings.escrow_percent).toFixed(2)}%`,
    parse: (text) => {
      const value = text.trim().replace(/%$/, '').trim();
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(value) || new Big(value).gt(100)) {
        return invalid('Type a percentage from 0 to 100 with at most 2 decimals, e.g. 2.5');
      }
      return valid({ escrow_percent: new Big(value).toFixed(2) });
    },
  },
  {
    key: 'spread_percent',
    label: 'Spread',
    prompt: 'Type the spread in percent: buyers pay the price plus it, sellers get the price minus it, e.g. 2',
    format: (settings) => `${new Big(settings.spread_percent).toFixed(2)}%`,
    parse: (text) => {
      const value = text.trim().replace(/%$/, '').trim();
      if (!/^\d{1,2}(\.\d{1,2})?$/.test(value) || new Big(value).gte(50)) return invalid('Type a percentage below 50 with at most 2 decimals, e.g. 2.5');
      return valid({ spread_percent: new Big(value).toFixed(2) });
    },
  },
  cediSetting('min_amount_ghs', 'Smallest amount', '50', smallestNotAboveLargest('min_amount_ghs', 'max_amount_ghs')),
  cediSetting('max_amount_ghs', 'Largest amount', '50000', smallestNotAboveLargest('min_amount_ghs', 'max_amount_ghs')),
  paymentDetails('momo_payment_details', 'Mobile money details', 'MTN Mobile Money 024 000 0000, name: Trading Desk Ltd'),
  paymentDetails('bank_payment_details', 'Bank details', 'GCB Bank, account 1234567890123, name: Trading Desk Ltd'),
  {
    key: 'support_contacts',
    label: 'Support contacts',
    prompt: 'Type the support contacts, one per line as "name: value", e.g.\nWhatsApp: +233 24 000 0000\nE-mail: help@example.com',
    // JSONB keeps no key order, so contacts are listed by name.
    format: (settings) =>
      Object.entries(settings.support_contacts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n') || 'none yet',
    parse: (text) => {
      const contacts = parseContacts(text);
      return contacts.ok ? valid({ support_contacts: contacts.value }) : contacts;
    },
  },
];

import sharp from 'sharp';
import type { AppServices } from '../modules.ts';
import type { TelegramIdentity } from '../services/accounts/admins.ts';
import { hashPin } from '../services/accounts/pin.ts';
import { newReference } from '../services/common/references.ts';
import type { CAST } from './cast.ts';

/** The price every session starts with, set by hand: the sandbox never asks a rate API. */
export const SANDBOX_PRICE_GHS = '15.20';
/** The desk's TRON address in the demo: base58check of 0x41 and twenty 0x3c bytes, a made-up account. */
const DEMO_TRON_ADDRESS = 'TFThhnoGNpzdQkGmbc2KaMe2b5sF4Juzq2';

/** Kofi's transaction PIN in the demo data. */
export const DEMO_PIN = '2580';

type Cast = typeof CAST;

/** Rates (cedis per 1 USD of face value) for cards of the starter catalogue, which start inactive without rates. */
const GIFT_CARD_RATES: Readonly<Record<string, { rateBuy: string; rateSell: string }>> = {
  'Amazon (USA)': { rateBuy: '11.50', rateSell: '13.00' },
  'Apple / iTunes (USA)': { rateBuy: '11.00', rateSell: '12.80' },
  'Steam Wallet (USA)': { rateBuy: '10.40', rateSell: '12.20' },
  'Google Play (USA)': { rateBuy: '9.80', rateSell: '11.60' },
};

/** The result when it has the expected status; anything else stops the sandbox with what happened. */
function required<T extends { status: string }, S extends T['status']>(what: string, result: T, expected: S): Extract<T, { status: S }> {
  if (result.status !== expected) throw new Error(`sandbox demo data: ${what} gave ${JSON.stringify(result)}`);
  return result as Extract<T, { status: S }>;
}

/** Every session: manual price mode at SANDBOX_PRICE_GHS, set by the admin (so nothing fetches a live price). */
export async function setSandboxPrice(services: AppServices, admin: TelegramIdentity): Promise<void> {
  const source = await services.settings.update('live_rate_source', 'manual', admin);
  const price = await services.rates.setManualPrice(SANDBOX_PRICE_GHS, admin);
  if (!source.ok || !price.ok) throw new Error('sandbox: could not set the manual price');
}

/** Where the sandbox's users "pay" (a fresh install has none, and refuses deposits and buys until an admin sets them). */
export async function setSandboxPaymentDetails(services: AppServices, admin: TelegramIdentity): Promise<void> {
  const momo = await services.settings.update('momo_payment_details', 'MTN Mobile Money 024 000 0000, name: Sandbox Desk', admin);
  const bank = await services.settings.update('bank_payment_details', 'GCB Bank, account 1234567890123, name: Sandbox Desk', admin);
  if (!momo.ok || !bank.ok) throw new Error('sandbox: could not set the payment details');
}

/** A plain picture standing in for a document photo (KYC needs 600 px on the short side). */
function samplePhoto(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 1000, height: 640, channels: 3, background: colour } }).jpeg().toBuffer();
}

/**
 * `--demo`: Kofi registered and verified, with cedis and USDT got as users get them (an approved deposit and
 * an approved buy, so the ledger has every row), gift cards on offer, and three of his orders resting on the
 * market, and TRON on for sending USDT to a wallet and receiving it. Ama stays new, to walk through registration. The catalogue and the tutorials are the starter content
 * every start adds; the demo gives four cards rates and offers them.
 */
export async function seedDemo(services: AppServices, cast: Cast, admin: TelegramIdentity): Promise<void> {
  const approve = async (kind: string, id: number) => {
    const decision = await services.approvals.decide({ kind, id, action: 'approve', from: admin });
    if (decision.outcome !== 'applied') throw new Error(`sandbox demo data: approving ${kind} ${id} gave ${decision.outcome}`);
  };
  const { kofi } = cast;
  const { user } = required(
    'registering Kofi',
    await services.accounts.register({
      telegramId: kofi.id,
      telegramUsername: kofi.username,
      languageCode: 'en',
      email: 'kofi.mensah@example.com',
      phone: kofi.phone_number ?? '+233241000001',
      firstName: kofi.first_name,
      lastName: kofi.last_name,
      pinHash: await hashPin(DEMO_PIN),
    }),
    'registered',
  );
  const details = { userId: user.id, documentType: 'NATIONAL_ID', documentNumber: 'GHA-123456789-0', firstName: kofi.first_name, lastName: kofi.last_name, dateOfBirth: '1990-05-17', address: 'House 4, Ring Road, Kumasi' } as const;
  const images = { front: await samplePhoto('#2e7d32'), back: await samplePhoto('#1565c0'), selfie: await samplePhoto('#ef6c00') };
  const { kyc } = required('submitting KYC', await services.kyc.submit(details, images), 'submitted');
  await approve('kyc', kyc.id);

  const deposit = required('a deposit', await services.wallet.createDeposit({ userId: user.id, amount: '5000.00', method: 'momo', reference: newReference('DEP'), proof: null }), 'created');
  await approve('deposit', deposit.id);
  const quoted = required('a quote', await services.quotes.quote('buy', { currency: 'CRYPTO', amount: '150' }), 'ok');
  const buy = required('a buy', await services.trading.createBuy({ userId: user.id, quote: quoted.quote, method: 'momo', reference: newReference('BUY'), proof: null }), 'created');
  await approve('buy', buy.id);

  // As an admin does in /catalogue: rates first, then the card is offered.
  for (const card of await services.giftcards.catalogue.all()) {
    const rates = GIFT_CARD_RATES[card.name];
    if (!rates) continue;
    required(`rates of ${card.name}`, await services.giftcards.catalogue.setRates(card.id, rates, admin), 'done');
    required(`offering ${card.name}`, await services.giftcards.catalogue.setActive(card.id, true, admin), 'done');
  }

  // One crypto network on, as an admin sets it in /settings → 🔗 Crypto networks: TRON, with a made-up desk address.
  const { networks } = services.wallet;
  for (const [field, value] of [['deposit_address', DEMO_TRON_ADDRESS], ['withdrawal_fee', '1'], ['min_withdrawal', '5']] as const) {
    const saved = await networks.update('tron', field, value, admin);
    if (!saved.ok) throw new Error(`sandbox demo data: TRON ${field}: ${saved.reason}`);
  }
  const opened = await networks.setEnabled('tron', true, admin);
  if (!opened.ok) throw new Error(`sandbox demo data: turning TRON on: ${opened.reason}`);

  for (const [side, amount, price] of [['BUY', '40', '14.90'], ['SELL', '25', '15.80'], ['SELL', '10', '16.20']] as const) {
    required(`a ${side} order`, await services.market.place({ userId: user.id, side, amount, price, reference: newReference('MKT') }), 'placed');
  }
}

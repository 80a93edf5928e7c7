import type { DatabasePool } from 'slonik';
import { insertAuditEntry } from '../../db/adminAuditLog.ts';
import { listCryptoNetworks, saveCryptoNetwork, type CryptoNetworkPatch, type CryptoNetworkRow } from '../../db/cryptoNetworks.ts';
import type { AdminService, TelegramIdentity } from '../accounts/admins.ts';
import { Big, CRYPTO_DECIMALS, formatCrypto, readPositiveDecimal } from '../common/amounts.ts';
import { invalid, valid, type Checked } from '../common/validation.ts';
import type { Clock } from '../platform/clock.ts';
import { checkAddress, isCryptoNetwork, networkName, networksOfAsset, type CryptoNetwork } from './cryptoNetworks.ts';

/** A network of the desk's asset as admins set it: off, with nothing set, until they set it. */
export interface NetworkSettings {
  network: CryptoNetwork;
  name: string;
  enabled: boolean;
  depositAddress: string | null;
  withdrawalFee: string | null;
  minWithdrawal: string | null;
}

/** What an admin changes of a network, typed (the address, the fee, the minimum) or tapped (on and off). */
export type NetworkField = 'deposit_address' | 'withdrawal_fee' | 'min_withdrawal';
export const NETWORK_FIELDS: readonly NetworkField[] = ['deposit_address', 'withdrawal_fee', 'min_withdrawal'];

export interface CryptoNetworkService {
  /** Every network of the asset, in its usual order, with its settings. */
  all(): Promise<readonly NetworkSettings[]>;
  /** The networks users may use now. */
  enabled(): Promise<readonly NetworkSettings[]>;
  /** A network of the asset by name, or null (another asset's, or not a network). */
  find(network: string): Promise<NetworkSettings | null>;
  /** A typed value of a field, checked: the desk's address by the network's rules, amounts in the asset. */
  check(network: CryptoNetwork, field: NetworkField, text: string): Checked<string>;
  /** Saves a checked value, audited; the network as it now stands. */
  update(network: CryptoNetwork, field: NetworkField, text: string, from: TelegramIdentity): Promise<Checked<NetworkSettings>>;
  /** Turns a network on (only with its address, fee and minimum set) or off, audited. */
  setEnabled(network: CryptoNetwork, enabled: boolean, from: TelegramIdentity): Promise<Checked<NetworkSettings>>;
}

function settingsOf(network: CryptoNetwork, row: CryptoNetworkRow | undefined): NetworkSettings {
  return {
    network,
    name: networkName(network),
    enabled: row?.enabled ?? false,
    depositAddress: row?.deposit_address ?? null,
    withdrawalFee: row?.withdrawal_fee ?? null,
    minWithdrawal: row?.min_withdrawal ?? null,
  };
}

/** An amount of the asset as an admin types it ("1", "1.5", "0.00012 BTC"); zero only when `zeroAllowed`. */
export function checkAssetAmount(text: string, asset: string, zeroAllowed: boolean): Checked<string> {
  const bare = text.trim().replace(new RegExp(`\\s*${asset}$`, 'i'), '');
  if (zeroAllowed && /^0+(\.0+)?$/.test(bare)) return valid(new Big(0).toFixed(CRYPTO_DECIMALS));
  const read = readPositiveDecimal(bare, CRYPTO_DECIMALS);
  if (read.ok) return valid(new Big(read.value).toFixed(CRYPTO_DECIMALS));
  return invalid(`Type an amount of ${asset} with at most ${CRYPTO_DECIMALS} decimals${zeroAllowed ? ' (0 for none)' : ''}, e.g. 1.5`);
}

export function createCryptoNetworkService(deps: { pool: DatabasePool; admins: AdminService; asset: string; clock: Clock }): CryptoNetworkService {
  const { pool, asset, clock } = deps;
  const offered = networksOfAsset(asset);

  async function all(): Promise<readonly NetworkSettings[]> {
    const rows = new Map((await listCryptoNetworks(pool)).map((row) => [row.network, row]));
    return offered.map((network) => settingsOf(network, rows.get(network)));
  }

  function check(network: CryptoNetwork, field: NetworkField, text: string): Checked<string> {
    switch (field) {
      case 'deposit_address':
        // Admins set the desk's address of any of the asset's networks, on or off.
        return checkAddress(network, text, { asset, networks: offered });
      case 'withdrawal_fee':
        return checkAssetAmount(text, asset, true);
      case 'min_withdrawal':
        return checkAssetAmount(text, asset, false);
    }
  }

  /** One audited change of a network's row, in a transaction. */
  async function save(network: CryptoNetwork, patch: CryptoNetworkPatch, from: TelegramIdentity, describe: (before: NetworkSettings, after: NetworkSettings) => Record<string, string>) {
    const admin = await deps.admins.actorFor(from);
    if (!admin) return invalid<NetworkSettings>('Only admins can change the crypto networks.');
    return pool.transaction(async (tx) => {
      const before = settingsOf(network, (await listCryptoNetworks(tx)).find((row) => row.network === network));
      const after = settingsOf(network, await saveCryptoNetwork(tx, network, patch, clock()));
      await insertAuditEntry(tx, { subjectKind: 'crypto_network', subjectId: null, action: 'update', admin, details: { network, ...describe(before, after) } });
      return valid(after);
    });
  }

  const shown = (value: string | null) => value ?? 'not set';

  return {
    all,
    enabled: async () => (await all()).filter((network) => network.enabled),
    async find(network) {
      if (!isCryptoNetwork(network) || !offered.includes(network)) return null;
      return (await all()).find((settings) => settings.network === network) ?? null;
    },
    check,
    async update(network, field, text, from) {
      const checked = check(network, field, text);
      if (!checked.ok) return checked;
      return save(network, { [field]: checked.value }, from, (before, after) => {
        const key = field === 'deposit_address' ? 'depositAddress' : field === 'withdrawal_fee' ? 'withdrawalFee' : 'minWithdrawal';
        return { field, from: shown(before[key]), to: shown(after[key]) };
      });
    },
    async setEnabled(network, enabled, from) {
      const current = (await all()).find((settings) => settings.network === network);
      if (!current) return invalid(`${networkName(network)} does not carry ${asset}.`);
      const missing = [
        current.depositAddress === null ? 'the deposit address' : null,
        current.withdrawalFee === null ? 'the withdrawal fee' : null,
        current.minWithdrawal === null ? 'the minimum withdrawal' : null,
      ].filter((item) => item !== null);
      if (enabled && missing.length > 0) return invalid(`Set ${missing.join(', ')} of ${current.name} first: users would be offered a network without it.`);
      return save(network, { enabled }, from, (before, after) => ({ field: 'enabled', from: String(before.enabled), to: String(after.enabled) }));
    },
  };
}

/** A network's line for admins: "TRON (TRC-20): on · fee 1.00000000 USDT · minimum 10.00000000 USDT". */
export function describeNetworkSettings(settings: NetworkSettings, asset: string): string {
  const amount = (value: string | null) => (value === null ? 'not set' : formatCrypto(value, asset));
  return `${settings.enabled ? 'on' : 'off'} · fee ${amount(settings.withdrawalFee)} · minimum ${amount(settings.minWithdrawal)}`;
}

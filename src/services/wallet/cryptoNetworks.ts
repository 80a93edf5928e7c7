import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64, base64url, bech32, bech32m, createBase58check, hex } from '@scure/base';
import { invalid, valid, type Checked } from '../common/validation.ts';

/** The networks crypto leaves and enters on; which of them carry the desk's asset is `networksOfAsset`. */
export const CRYPTO_NETWORKS = ['tron', 'bsc', 'ethereum', 'ton', 'bitcoin'] as const;
export type CryptoNetwork = (typeof CRYPTO_NETWORKS)[number];

export function isCryptoNetwork(value: string): value is CryptoNetwork {
  return (CRYPTO_NETWORKS as readonly string[]).includes(value);
}

interface NetworkInfo {
  /** As users know it, with the token standard: "TRON (TRC-20)". */
  name: string;
  /** What its addresses look like, for a refusal: "which starts with T". */
  addressShape: string;
  /** Exchanges credit a deposit to this network's shared address by its memo (TON's comment). */
  usesMemo: boolean;
  /** Explorer pages of a transaction and of an address. */
  explorer: { transaction: string; address: string };
}

export const NETWORKS: Readonly<Record<CryptoNetwork, NetworkInfo>> = {
  tron: {
    name: 'TRON (TRC-20)',
    addressShape: 'which starts with T',
    usesMemo: false,
    explorer: { transaction: 'https://tronscan.org/#/transaction/', address: 'https://tronscan.org/#/address/' },
  },
  bsc: {
    name: 'BNB Smart Chain (BEP-20)',
    addressShape: 'which starts with 0x',
    usesMemo: false,
    explorer: { transaction: 'https://bscscan.com/tx/', address: 'https://bscscan.com/address/' },
  },
  ethereum: {
    name: 'Ethereum (ERC-20)',
    addressShape: 'which starts with 0x',
    usesMemo: false,
    explorer: { transaction: 'https://etherscan.io/tx/', address: 'https://etherscan.io/address/' },
  },
  ton: {
    name: 'TON',
    addressShape: 'which starts with EQ or UQ',
    usesMemo: true,
    explorer: { transaction: 'https://tonviewer.com/transaction/', address: 'https://tonviewer.com/' },
  },
  bitcoin: {
    name: 'Bitcoin',
    addressShape: 'which starts with bc1, 1 or 3',
    usesMemo: false,
    explorer: { transaction: 'https://mempool.space/tx/', address: 'https://mempool.space/address/' },
  },
};

/** The networks each asset the desk may trade travels on (the ones people in Ghana use). */
const ASSET_NETWORKS: Readonly<Record<string, readonly CryptoNetwork[]>> = {
  USDT: ['tron', 'bsc', 'ethereum', 'ton'],
  USDC: ['ethereum', 'bsc'],
  ETH: ['ethereum'],
  BTC: ['bitcoin'],
};

export function networksOfAsset(asset: string): readonly CryptoNetwork[] {
  return ASSET_NETWORKS[asset.toUpperCase()] ?? [];
}

export function networkName(network: CryptoNetwork): string {
  return NETWORKS[network].name;
}

/** An explorer's page of a transaction: tronscan, bscscan, etherscan, tonviewer, mempool.space. */
export function transactionLink(network: CryptoNetwork, hash: string): string {
  return `${NETWORKS[network].explorer.transaction}${hash}`;
}

/** An explorer's page of an address: what it received and sent on that network. */
export function addressLink(network: CryptoNetwork, address: string): string {
  return `${NETWORKS[network].explorer.address}${address}`;
}

/** How an address reads on a network: valid (in its usual form), of a test network, or not of this network. */
type AddressReading = { kind: 'valid'; address: string } | { kind: 'testnet' } | { kind: 'invalid' };

const base58check = createBase58check(sha256);
const VALID_NONE: AddressReading = { kind: 'invalid' };

function decodeBase58check(text: string): Uint8Array | null {
  try {
    return base58check.decode(text);
  } catch {
    return null;
  }
}

/** TRON: base58check of 21 bytes, the first 0x41 (its test networks use the same, so they cannot be told apart). */
function readTron(text: string): AddressReading {
  if (!/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(text)) return VALID_NONE;
  const bytes = decodeBase58check(text);
  return bytes?.length === 21 && bytes[0] === 0x41 ? { kind: 'valid', address: text } : VALID_NONE;
}

/** EIP-55: a hex digit is upper case when the nibble of keccak-256(lower-case hex) at its place is 8 or more. */
export function eip55(addressHex: string): string {
  const lower = addressHex.toLowerCase();
  const hash = hex.encode(keccak_256(new TextEncoder().encode(lower)));
  return `0x${[...lower].map((char, index) => (parseInt(hash[index] ?? '0', 16) >= 8 ? char.toUpperCase() : char)).join('')}`;
}

/** EVM (BNB Smart Chain, Ethereum): 0x and 40 hex digits; mixed case must be the EIP-55 checksum. Stored checksummed. */
function readEvm(text: string): AddressReading {
  const match = /^0x([0-9a-fA-F]{40})$/.exec(text);
  const digits = match?.[1];
  if (!digits) return VALID_NONE;
  const checksummed = eip55(digits);
  const mixedCase = digits !== digits.toLowerCase() && digits !== digits.toUpperCase();
  return mixedCase && checksummed !== text ? VALID_NONE : { kind: 'valid', address: checksummed };
}

const BITCOIN_BASE58_VERSIONS = { main: [0x00, 0x05], test: [0x6f, 0xc4] };

/** Bitcoin: base58check P2PKH (1…) or P2SH (3…), or a segwit address: bech32 for version 0, bech32m for 1 to 16. */
function readBitcoin(text: string): AddressReading {
  if (/^[13mn2][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(text)) {
    const bytes = decodeBase58check(text);
    if (bytes?.length !== 21) return VALID_NONE;
    const version = bytes[0] ?? -1;
    if (BITCOIN_BASE58_VERSIONS.main.includes(version)) return { kind: 'valid', address: text };
    return BITCOIN_BASE58_VERSIONS.test.includes(version) ? { kind: 'testnet' } : VALID_NONE;
  }
  // Bech32 is one case throughout; stored lower case.
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return VALID_NONE;
  const lower = text.toLowerCase();
  const prefix = /^(bc|tb|bcrt)1/.exec(lower)?.[1];
  if (!prefix) return VALID_NONE;
  const program = readSegwitProgram(lower);
  if (!program) return VALID_NONE;
  return prefix === 'bc' ? { kind: 'valid', address: lower } : { kind: 'testnet' };
}

/** A segwit address's witness version and program, when its checksum is the one its version uses (BIP-173, BIP-350). */
function readSegwitProgram(address: string): { version: number; program: Uint8Array } | null {
  const checksumOf = (version: number) => (version === 0 ? bech32 : bech32m);
  for (const coder of [bech32, bech32m]) {
    const decoded = coder.decodeUnsafe(address);
    if (!decoded) continue;
    const [version, ...words] = decoded.words;
    if (version === undefined || version > 16 || checksumOf(version) !== coder) return null;
    const program = coder.fromWordsUnsafe(words);
    if (!program || program.length < 2 || program.length > 40) return null;
    if (version === 0 && program.length !== 20 && program.length !== 32) return null;
    return { version, program };
  }
  return null;
}

/** CRC-16/XMODEM (polynomial 0x1021, initial 0): the checksum of a TON user-friendly address; a checksum, not cryptography. */
export function crc16xmodem(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const TON_BOUNCEABLE = 0x11;
const TON_NON_BOUNCEABLE = 0x51;
const TON_TEST_ONLY = 0x80;

function decodeTonFriendly(text: string): Uint8Array | null {
  for (const coder of [base64url, base64]) {
    try {
      return coder.decode(text);
    } catch {
      // the other alphabet
    }
  }
  return null;
}

/**
 * TON: raw (`0:` or `-1:` and 64 hex digits) or user-friendly (48 characters of base64 or base64url: a tag,
 * bounceable or not, the workchain, the 32-byte account and a CRC-16/XMODEM of them). Kept as typed: a user-friendly
 * address says whether it bounces, which an exchange's deposit address depends on.
 */
function readTon(text: string): AddressReading {
  if (/^(0|-1):[0-9a-fA-F]{64}$/.test(text)) return { kind: 'valid', address: text.toLowerCase() };
  if (!/^[A-Za-z0-9+/_-]{48}$/.test(text)) return VALID_NONE;
  const bytes = decodeTonFriendly(text);
  if (bytes?.length !== 36) return VALID_NONE;
  const crc = crc16xmodem(bytes.subarray(0, 34));
  if (bytes[34] !== crc >> 8 || bytes[35] !== (crc & 0xff)) return VALID_NONE;
  const tag = bytes[0] ?? 0;
  const workchain = bytes[1];
  if ((tag & ~TON_TEST_ONLY) !== TON_BOUNCEABLE && (tag & ~TON_TEST_ONLY) !== TON_NON_BOUNCEABLE) return VALID_NONE;
  if (workchain !== 0x00 && workchain !== 0xff) return VALID_NONE;
  return tag & TON_TEST_ONLY ? { kind: 'testnet' } : { kind: 'valid', address: text };
}

const READERS: Readonly<Record<CryptoNetwork, (text: string) => AddressReading>> = {
  tron: readTron,
  bsc: readEvm,
  ethereum: readEvm,
  ton: readTon,
  bitcoin: readBitcoin,
};

/** The networks (of all we know) on which `text` is a valid address: what a refusal names. */
export function networksOfAddress(text: string): CryptoNetwork[] {
  return CRYPTO_NETWORKS.filter((network) => READERS[network](text).kind === 'valid');
}

function joinOr(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

/** The networks an address may be given for: a refusal tells to choose one of them, never a network not on offer. */
export interface NetworksOnOffer {
  asset: string;
  /** For users the asset's networks that are on; for admins setting the desk's addresses, all of the asset's. */
  networks: readonly CryptoNetwork[];
}

/** A network's name without its token standard: "BNB Smart Chain". */
const shortName = (network: CryptoNetwork) => networkName(network).replace(/ \(.*\)$/, '');

/**
 * An address on `network`, checked offline by the network's rules, in its usual form; or why not. An address of
 * another network is named: "choose that network" when it is on offer, and when it is not, that the desk does not
 * send or receive the asset there, with the form an address of `network` takes.
 */
export function checkAddress(network: CryptoNetwork, typed: string, offer: NetworksOnOffer): Checked<string> {
  const text = typed.trim();
  const { name, addressShape } = NETWORKS[network];
  const reading = READERS[network](text);
  if (reading.kind === 'valid') return valid(reading.address);
  const giveOne = `give ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} address, ${addressShape}`;
  if (reading.kind === 'testnet') return invalid(`This is a test network address: real coins cannot be sent to it. Please ${giveOne}.`);
  const others = networksOfAddress(text).filter((other) => other !== network);
  if (others.length > 0) {
    const othersNamed = joinOr(others.map(shortName));
    const looksLike = `This looks like a ${othersNamed} address`;
    const onOffer = others.filter((other) => offer.networks.includes(other));
    if (onOffer.length === others.length) return invalid(`${looksLike}; choose that network, or ${giveOne}.`);
    if (onOffer.length > 0) return invalid(`${looksLike}; choose ${joinOr(onOffer.map(networkName))}, or ${giveOne}.`);
    return invalid(`${looksLike}: this desk does not send or receive ${offer.asset} on ${othersNamed}. Please ${giveOne}.`);
  }
  if ((network === 'bsc' || network === 'ethereum') && /^0x[0-9a-fA-F]{40}$/.test(text)) {
    return invalid(`The capital letters of that address do not match its checksum (EIP-55), so a character is wrong. Please copy it again and ${giveOne}.`);
  }
  return invalid(`That is not a valid ${name} address (a character may be wrong or missing). Please copy it again and ${giveOne}.`);
}

/** A TON memo (the comment exchanges credit a deposit by): up to 120 printable characters. */
export function checkMemo(typed: string): Checked<string> {
  const memo = typed.trim();
  return memo.length >= 1 && memo.length <= 120 && /^[\x20-\x7e]+$/.test(memo)
    ? valid(memo)
    : invalid('A memo is 1 to 120 letters, digits and signs, exactly as the receiving exchange or wallet shows it.');
}

const HEX_HASH = /^(?:0x)?([0-9a-fA-F]{64})$/;

/**
 * A transaction hash (id) in the form each network's explorer uses: 0x and 64 hex digits on BNB Smart Chain and
 * Ethereum, 64 hex digits on TRON, Bitcoin and TON (where base64 of the 32 bytes is read too). Lower case.
 */
export function checkTransactionHash(network: CryptoNetwork, typed: string): Checked<string> {
  const text = typed.trim();
  const digits = HEX_HASH.exec(text)?.[1]?.toLowerCase();
  const evm = network === 'bsc' || network === 'ethereum';
  if (digits && (evm || !text.startsWith('0x'))) return valid(evm ? `0x${digits}` : digits);
  if (network === 'ton' && /^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = decodeTonFriendly(text.length === 43 ? `${text}=` : text);
    if (bytes?.length === 32) return valid(hex.encode(bytes));
  }
  const shape = evm ? '0x and 64 letters and digits (0-9, a-f)' : '64 letters and digits (0-9, a-f)';
  return invalid(`That is not a ${networkName(network)} transaction hash: it is ${shape}. Copy it from your wallet or the explorer.`);
}

import { sha256 } from '@noble/hashes/sha2.js';
import { base64, base64url, bech32, bech32m, createBase58check, hex } from '@scure/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkMemo,
  checkTransactionHash,
  crc16xmodem,
  CRYPTO_NETWORKS,
  eip55,
  networksOfAddress,
  networksOfAsset,
  transactionLink,
  type CryptoNetwork,
} from '../../src/services/wallet/cryptoNetworks.ts';

/** Why a check refused, or null when it accepted. */
function reasonOf(checked: { ok: true } | { ok: false; reason: string }): string | null {
  return checked.ok ? null : checked.reason;
}

const base58check = createBase58check(sha256);
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A TRON address as wallets make it: base58check of 0x41 and the account's 20 bytes. */
function tronAddress(account: Uint8Array, prefix = 0x41): string {
  return base58check.encode(Uint8Array.from([prefix, ...account]));
}

/** A TON user-friendly address: tag, workchain, 32-byte account, CRC-16/XMODEM; base64url as wallets show it. */
function tonAddress(account: Uint8Array, options: { bounceable?: boolean; testnet?: boolean; workchain?: number; url?: boolean } = {}): string {
  const tag = (options.bounceable === false ? 0x51 : 0x11) | (options.testnet ? 0x80 : 0);
  const body = Uint8Array.from([tag, (options.workchain ?? 0) & 0xff, ...account]);
  const crc = crc16xmodem(body);
  const bytes = Uint8Array.from([...body, crc >> 8, crc & 0xff]);
  return (options.url === false ? base64 : base64url).encode(bytes);
}

/** The same text with the character at `index` replaced by another of `alphabet`. */
function corrupt(text: string, index: number, alphabet: string): string {
  const current = text[index] ?? '';
  const replacement = [...alphabet].find((char) => char !== current) ?? '';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

/** Every network on offer: what the address checks below need (the refusals naming a network are tested apart). */
const EVERY_NETWORK = { asset: 'USDT', networks: CRYPTO_NETWORKS };

const accepts = (network: CryptoNetwork, address: string) => checkAddress(network, address, EVERY_NETWORK).ok;

describe('Bitcoin addresses (BIP-173, BIP-350 test vectors; base58check P2PKH and P2SH)', () => {
  it.each([
    ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'],
    ['bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', 'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y'],
    ['BC1SW50QGDZ25J', 'bc1sw50qgdz25j'],
    ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'],
    ['3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'],
  ])('accepts %s', (address, stored) => {
    expect(checkAddress('bitcoin', address, EVERY_NETWORK)).toEqual({ ok: true, value: stored });
  });

  it.each([
    ['tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut', 'unknown prefix'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'version 1 with a bech32 checksum'],
    ['BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL', 'version 16 with a bech32 checksum'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'version 0 with a bech32m checksum'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'wrong checksum'],
    ['bc1rw5uspcuh', 'program too short'],
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'version 0 program of 16 bytes'],
    ['bc1gmk9yu', 'empty data'],
    ['bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'mixed case'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3', 'truncated'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', 'base58 wrong checksum'],
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf', 'base58 truncated'],
  ])('refuses %s (%s)', (address) => {
    const checked = checkAddress('bitcoin', address, EVERY_NETWORK);
    expect(reasonOf(checked)).toContain('not a valid Bitcoin address');
  });

  it.each([
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    'mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn',
    '2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc',
  ])('refuses the testnet address %s as such', (address) => {
    expect(reasonOf(checkAddress('bitcoin', address, EVERY_NETWORK))).toContain('test network address');
  });

  it('accepts any segwit program encoded with its version’s checksum, and refuses it with the other checksum', () => {
    fc.assert(
      fc.property(fc.constantFrom(20, 32), fc.uint8Array({ minLength: 32, maxLength: 32 }), (length, bytes) => {
        const program = bytes.subarray(0, length);
        const v0 = bech32.encode('bc', [0, ...bech32.toWords(program)]);
        const v1 = bech32m.encode('bc', [1, ...bech32m.toWords(bytes)]);
        expect(accepts('bitcoin', v0)).toBe(true);
        expect(accepts('bitcoin', v1)).toBe(true);
        expect(accepts('bitcoin', bech32m.encode('bc', [0, ...bech32m.toWords(program)]))).toBe(false);
        expect(accepts('bitcoin', bech32.encode('bc', [1, ...bech32.toWords(bytes)]))).toBe(false);
      }),
    );
  });
});

describe('EVM addresses (EIP-55 test vectors)', () => {
  const CHECKSUMMED = [
    '0x52908400098527886E0F7030069857D2E4169EE7',
    '0x8617E340B3D01FA5F11F306F4090FD50E238070D',
    '0xde709f2102306220921060314715629080e2fb77',
    '0x27b1fdb04752bbc536007a920d24acb045561c26',
    '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
    '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
  ];

  it.each(CHECKSUMMED)('accepts %s on both EVM networks and computes its checksum', (address) => {
    expect(eip55(address.slice(2))).toBe(address);
    expect(checkAddress('ethereum', address, EVERY_NETWORK)).toEqual({ ok: true, value: address });
    expect(checkAddress('bsc', address, EVERY_NETWORK)).toEqual({ ok: true, value: address });
  });

  it('accepts one case throughout and stores it checksummed', () => {
    expect(checkAddress('bsc', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', EVERY_NETWORK)).toEqual({ ok: true, value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' });
  });

  it('refuses a wrong checksum, a truncated address, and non-hex', () => {
    expect(reasonOf(checkAddress('ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', EVERY_NETWORK))).toContain('do not match its checksum');
    expect(reasonOf(checkAddress('ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA', EVERY_NETWORK))).toContain('not a valid Ethereum (ERC-20) address');
    expect(accepts('ethereum', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg')).toBe(false);
  });

  it('refuses any single letter of a checksummed address in the other case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat(), (bytes, pick) => {
        const address = eip55(hex.encode(bytes));
        expect(accepts('ethereum', address)).toBe(true);
        const letters = [...address].flatMap((char, index) => (index > 1 && /[a-f]/i.test(char) ? [index] : []));
        const index = letters[pick % Math.max(1, letters.length)];
        if (index === undefined) return;
        const char = address[index] ?? '';
        const flipped = `${address.slice(0, index)}${char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase()}${address.slice(index + 1)}`;
        // A flip that leaves every letter in one case (the only upper-case letter made lower, say) carries no checksum:
        // such an address is taken as written, by EIP-55's rule. Every flip that leaves both cases is refused.
        const body = flipped.slice(2);
        const oneCase = body === body.toLowerCase() || body === body.toUpperCase();
        expect(accepts('ethereum', flipped)).toBe(oneCase);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('TRON addresses (made with base58check, corrupted by hand)', () => {
  const account = hex.decode('a614f803b6fd780986a42c78ec9c7f77e6ded13c');
  const address = tronAddress(account);

  it('accepts a base58check address with the 0x41 prefix', () => {
    expect(address.startsWith('T')).toBe(true);
    expect(checkAddress('tron', address, EVERY_NETWORK)).toEqual({ ok: true, value: address });
    expect(checkAddress('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', EVERY_NETWORK)).toEqual({ ok: true, value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' });
  });

  it('refuses a wrong checksum, a truncated address, and another prefix', () => {
    expect(accepts('tron', corrupt(address, 10, BASE58))).toBe(false);
    expect(accepts('tron', address.slice(0, -1))).toBe(false);
    expect(accepts('tron', tronAddress(account, 0xa0))).toBe(false);
  });

  it('refuses any one character changed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.nat(), fc.nat(), (bytes, at, by) => {
        const valid = tronAddress(bytes);
        expect(accepts('tron', valid)).toBe(true);
        const index = 1 + (at % (valid.length - 1));
        const char = BASE58[(BASE58.indexOf(valid[index] ?? '1') + 1 + (by % (BASE58.length - 1))) % BASE58.length] ?? '1';
        expect(accepts('tron', `${valid.slice(0, index)}${char}${valid.slice(index + 1)}`)).toBe(false);
      }),
    );
  });
});

describe('TON addresses (made with base64 and CRC-16/XMODEM, corrupted by hand)', () => {
  const account = hex.decode('83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8');

  it('computes CRC-16/XMODEM (its check value for "123456789" is 0x31C3)', () => {
    expect(crc16xmodem(new TextEncoder().encode('123456789'))).toBe(0x31c3);
  });

  it('accepts bounceable and non-bounceable user-friendly addresses, in both alphabets, and raw ones', () => {
    expect(tonAddress(account)).toBe('EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N');
    for (const address of [tonAddress(account), tonAddress(account, { bounceable: false }), tonAddress(account, { workchain: -1 })]) {
      expect(checkAddress('ton', address, EVERY_NETWORK)).toEqual({ ok: true, value: address });
    }
    const withPlus = tonAddress(hex.decode('fb'.repeat(32)), { url: false });
    expect(withPlus).toMatch(/[+/]/);
    expect(accepts('ton', withPlus)).toBe(true);
    expect(checkAddress('ton', '0:83DFD552E63729B472FCBCC8C45EBCC6691702558B68EC7527E1BA403A0F31A8', EVERY_NETWORK)).toEqual({
      ok: true,
      value: '0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8',
    });
  });

  it('refuses a wrong CRC, a truncated address, a bad raw form and a testnet address', () => {
    const address = tonAddress(account);
    expect(accepts('ton', corrupt(address, 47, 'ABCDEFGH'))).toBe(false);
    expect(accepts('ton', address.slice(0, -2))).toBe(false);
    expect(accepts('ton', '2:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31a8')).toBe(false);
    expect(accepts('ton', '0:83dfd552e63729b472fcbcc8c45ebcc6691702558b68ec7527e1ba403a0f31')).toBe(false);
    expect(reasonOf(checkAddress('ton', tonAddress(account, { testnet: true }), EVERY_NETWORK))).toContain('test network address');
  });

  it('refuses any one character changed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), fc.nat(), fc.nat(), (bytes, bounceable, at, by) => {
        const valid = tonAddress(bytes, { bounceable });
        expect(accepts('ton', valid)).toBe(true);
        const index = at % valid.length;
        const char = alphabet[(alphabet.indexOf(valid[index] ?? 'A') + 1 + (by % (alphabet.length - 1))) % alphabet.length] ?? 'A';
        expect(accepts('ton', `${valid.slice(0, index)}${char}${valid.slice(index + 1)}`)).toBe(false);
      }),
    );
  });
});

describe('an address of another network', () => {
  it('names the network it looks like and the form this one takes', () => {
    expect(checkAddress('tron', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', EVERY_NETWORK)).toEqual({
      ok: false,
      reason: 'This looks like a BNB Smart Chain or Ethereum address; choose that network, or give a TRON (TRC-20) address, which starts with T.',
    });
    expect(reasonOf(checkAddress('ethereum', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', EVERY_NETWORK))).toMatch(/^This looks like a TRON address; choose that network, or give an Ethereum \(ERC-20\) address/);
    expect(reasonOf(checkAddress('bitcoin', 'EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N', EVERY_NETWORK))).toContain('looks like a TON address; choose that network');
  });

  it('tells to choose the network only when it is on offer, and otherwise that the desk does not use it', () => {
    const usdt = (...networks: CryptoNetwork[]) => ({ asset: 'USDT', networks });
    // A USDT desk: Bitcoin never carries USDT.
    expect(reasonOf(checkAddress('tron', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', usdt('tron', 'bsc', 'ethereum', 'ton')))).toBe(
      'This looks like a Bitcoin address: this desk does not send or receive USDT on Bitcoin. Please give a TRON (TRC-20) address, which starts with T.',
    );
    // Only TRON on: BNB Smart Chain and Ethereum are not to be chosen.
    expect(reasonOf(checkAddress('tron', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', usdt('tron')))).toBe(
      'This looks like a BNB Smart Chain or Ethereum address: this desk does not send or receive USDT on BNB Smart Chain or Ethereum. Please give a TRON (TRC-20) address, which starts with T.',
    );
    // One of the two on: that one is named.
    expect(reasonOf(checkAddress('tron', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', usdt('tron', 'bsc')))).toBe(
      'This looks like a BNB Smart Chain or Ethereum address; choose BNB Smart Chain (BEP-20), or give a TRON (TRC-20) address, which starts with T.',
    );
    expect(reasonOf(checkAddress('ton', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', usdt('ton', 'tron')))).toMatch(/^This looks like a TRON address; choose that network, or give a TON address/);
    // A BTC desk is told of the asset it trades.
    expect(reasonOf(checkAddress('bitcoin', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', { asset: 'BTC', networks: networksOfAsset('BTC') }))).toBe(
      'This looks like a TRON address: this desk does not send or receive BTC on TRON. Please give a Bitcoin address, which starts with bc1, 1 or 3.',
    );
  });

  it('an address is valid on one family of networks only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(networksOfAddress(tronAddress(bytes.subarray(0, 20)))).toEqual(['tron']);
        expect(networksOfAddress(eip55(hex.encode(bytes.subarray(0, 20))))).toEqual(['bsc', 'ethereum']);
        expect(networksOfAddress(tonAddress(bytes))).toEqual(['ton']);
        expect(networksOfAddress(bech32.encode('bc', [0, ...bech32.toWords(bytes)]))).toEqual(['bitcoin']);
      }),
    );
  });
});

describe('transaction hashes', () => {
  const digits = 'a3'.repeat(32);

  it('takes each network’s form, in lower case', () => {
    expect(checkTransactionHash('ethereum', `0x${digits.toUpperCase()}`)).toEqual({ ok: true, value: `0x${digits}` });
    expect(checkTransactionHash('bsc', digits)).toEqual({ ok: true, value: `0x${digits}` });
    expect(checkTransactionHash('tron', digits.toUpperCase())).toEqual({ ok: true, value: digits });
    expect(checkTransactionHash('bitcoin', ` ${digits} `)).toEqual({ ok: true, value: digits });
    expect(checkTransactionHash('ton', digits)).toEqual({ ok: true, value: digits });
    expect(checkTransactionHash('ton', base64url.encode(hex.decode(digits)))).toEqual({ ok: true, value: digits });
  });

  it('refuses a truncated hash, non-hex, and 0x where the network has none', () => {
    for (const network of CRYPTO_NETWORKS) {
      expect(checkTransactionHash(network, digits.slice(1)).ok).toBe(false);
      expect(checkTransactionHash(network, `${digits.slice(1)}g`).ok).toBe(false);
    }
    expect(reasonOf(checkTransactionHash('tron', `0x${digits}`))).toContain('not a TRON (TRC-20) transaction hash');
    expect(checkTransactionHash('bitcoin', `0x${digits}`).ok).toBe(false);
  });
});

describe('explorer links and networks', () => {
  it('links each network’s explorer page of the transaction', () => {
    const evm = `0x${'ab'.repeat(32)}`;
    const plain = 'ab'.repeat(32);
    expect(transactionLink('tron', plain)).toBe(`https://tronscan.org/#/transaction/${plain}`);
    expect(transactionLink('bsc', evm)).toBe(`https://bscscan.com/tx/${evm}`);
    expect(transactionLink('ethereum', evm)).toBe(`https://etherscan.io/tx/${evm}`);
    expect(transactionLink('ton', plain)).toBe(`https://tonviewer.com/transaction/${plain}`);
    expect(transactionLink('bitcoin', plain)).toBe(`https://mempool.space/tx/${plain}`);
  });

  it('offers USDT on TRON, BNB Smart Chain, Ethereum and TON, and BTC on Bitcoin', () => {
    expect(networksOfAsset('USDT')).toEqual(['tron', 'bsc', 'ethereum', 'ton']);
    expect(networksOfAsset('BTC')).toEqual(['bitcoin']);
    expect(networksOfAsset('DOGE')).toEqual([]);
  });

  it('takes a memo of printable characters only', () => {
    expect(checkMemo(' 104233 ')).toEqual({ ok: true, value: '104233' });
    expect(checkMemo('').ok).toBe(false);
    expect(checkMemo('x'.repeat(121)).ok).toBe(false);
  });
});

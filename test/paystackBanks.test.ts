import { describe, expect, it } from 'vitest';
import { GHANA_BANK_LIST } from '../src/sandbox/paystack/index.ts';
import { bankNameKey, matchBank } from '../src/services/paystack/banks.ts';
import { GHANA_BANKS } from '../src/services/wallet/payouts.ts';

const bank = (name: string, code: string, type = 'ghipss') => ({ name, code, type });
const LISTED = [
  bank('GCB Bank Limited', '040100'),
  bank('Absa Bank Ghana Ltd', '030100'),
  bank('CAL Bank Limited', '140100'),
  bank('Société Générale Ghana Limited', '090100'),
  bank('MTN', 'MTN', 'mobile_money'),
];

describe("a withdrawal's bank name matched to Paystack's list", () => {
  it('ignores case, accents, punctuation, spacing and the words Bank, Ghana, Limited/Ltd, PLC', () => {
    expect(matchBank('GCB Bank', LISTED)).toMatchObject({ status: 'matched', bank: { code: '040100' } });
    expect(matchBank('  absa bank ghana ltd. ', LISTED)).toMatchObject({ status: 'matched', bank: { code: '030100' } });
    expect(matchBank('Absa', LISTED)).toMatchObject({ status: 'matched', bank: { code: '030100' } });
    expect(matchBank('CalBank PLC', LISTED)).toMatchObject({ status: 'matched', bank: { code: '140100' } });
    expect(matchBank('societe generale', LISTED)).toMatchObject({ status: 'matched', bank: { code: '090100' } });
    expect(bankNameKey('Guaranty Trust Bank (Ghana) Limited')).toBe(bankNameKey('guaranty-trust bank'));
  });

  it('matches no bank for another name, for filler words alone, or for a wallet of the list', () => {
    expect(matchBank('Kwahu Rural Bank', LISTED)).toEqual({ status: 'unknown', candidates: [] });
    expect(matchBank('Bank Ghana Ltd', LISTED)).toEqual({ status: 'unknown', candidates: [] });
    expect(matchBank('MTN', LISTED)).toEqual({ status: 'unknown', candidates: [] });
    expect(matchBank('GCB', [{ ...bank('GCB Bank Limited', '040100'), active: false }])).toEqual({ status: 'unknown', candidates: [] });
  });

  it('names the candidates when several banks of the list fit', () => {
    const twice = [...LISTED, bank('Zenith Bank Ghana', '120100'), bank('Zenith Bank (Ghana) Limited', '120101')];
    expect(matchBank('Zenith Bank', twice)).toEqual({ status: 'unknown', candidates: ['Zenith Bank Ghana', 'Zenith Bank (Ghana) Limited'] });
  });

  it('finds each bank the withdrawal offers in the list as Paystack gives it', () => {
    for (const name of GHANA_BANKS) expect(matchBank(name, GHANA_BANK_LIST), name).toMatchObject({ status: 'matched' });
  });
});

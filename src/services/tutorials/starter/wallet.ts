import type { StarterTutorial } from './types.ts';

export const WALLET: readonly StarterTutorial[] = [
  {
    slug: 'your-wallet-explained',
    title: 'Your wallet: available and reserved',
    category: 'wallet',
    order: 10,
    excerpt: 'What the numbers in /wallet mean, and where to see every request.',
    content: `Send /wallet or tap <b>💰 Wallet</b>. You see two balances, cedis and USDT, each in two parts:

• <b>Available</b>: yours to use now, to buy, sell, withdraw or place orders.
• <b>Reserved</b>: set aside for a request that is waiting for our team (a sell or a withdrawal) or for an open market order. It cannot be spent twice.

When the request is approved, the reserved amount is paid out. When it is declined or cancelled, it goes back to "available". Nothing is ever lost in between.

The wallet also shows what your USDT is worth in cedis at today's sell rate, and buttons to Buy, Sell, Deposit, Withdraw and see your History.

<b>Where to follow your requests</b>
• /history: every buy, sell, deposit and withdrawal, newest first, with its reference and status (⏳ pending, ✅ done, ❌ declined).
• /orders: your gift card trade-ins and market orders.
The bot also messages you the moment something is approved or declined.

<b>Keep your reference</b>
Every request has a reference such as <code>DEP-4F7H2K9M</code>. If you ever need help with a request, send us that reference.`,
  },
  {
    slug: 'deposit-cedis',
    title: 'Deposit cedis by MoMo or bank',
    category: 'wallet',
    order: 20,
    excerpt: 'Add cedis to your wallet with a reference in the payment note and a screenshot.',
    content: `A deposit adds cedis to your wallet, ready for market orders or later use.

<b>The steps</b>
1. Tap <b>⬇️ Deposit</b> or send /deposit.
2. Choose <b>📱 Mobile money</b> or <b>🏦 Bank</b>.
3. Type the amount in cedis, e.g. <code>250</code>.
4. The bot shows where to pay, the exact amount and your reference, e.g. <code>DEP-4F7H2K9M</code>.
5. Pay exactly that amount from your own MTN MoMo, Telecel Cash or AirtelTigo Money wallet, or from your bank account, and put the <b>reference in the payment note</b>.
6. Send a screenshot of the payment confirmation, or tap <b>✅ I have paid</b>.

An admin checks that the money arrived, approves, and the cedis appear in /wallet. The bot messages you.

<b>Tips for a quick approval</b>
• Pay from an account in your own name. Payments from another person's wallet may be declined.
• Send the exact amount, in one payment.
• A clear screenshot showing the amount, the time and the transaction ID helps.
• If you forgot the reference, do not pay again: contact support with the transaction ID from your network's message.`,
  },
  {
    slug: 'withdraw-cedis',
    title: 'Withdraw cedis to MoMo or bank',
    category: 'wallet',
    order: 30,
    excerpt: 'Choose MTN, Telecel or AirtelTigo (or a bank), confirm with your PIN, and we pay you.',
    content: `A withdrawal sends cedis from your wallet to your mobile money wallet or bank account.

<b>The steps</b>
1. Tap <b>⬆️ Withdraw</b> or send /withdraw. The bot shows how much you have available.
2. Choose <b>📱 Mobile money</b> or <b>🏦 Bank</b>.
3. For mobile money: choose the network (<b>MTN</b>, <b>Telecel</b> or <b>AirtelTigo</b>) and type the number, e.g. 024 123 4567, or tap your own number.
   For a bank: tap your bank or type its name, then type the account number.
4. Type the name on the account, exactly as the network or bank shows it.
5. Type the amount, e.g. <code>250</code>.
6. Check the summary (where the money goes, the amount and the reference), tap <b>✅ Confirm</b> and type your PIN.

<b>What happens next</b>
The amount is reserved from your wallet at once. An admin sends the money to the account you gave, then marks it paid, and the bot tells you. If the withdrawal is declined (for example because the account name does not match yours), the reserved cedis go back to "available" and you are told why.

<b>Check twice</b>
Money sent to a wrong number is very hard to get back. Check the network, the number and the name on the summary before you confirm. Withdraw to accounts in your own name.`,
  },
  {
    slug: 'send-and-receive-crypto',
    title: 'Sending crypto out and in: networks, fees, and why the network must match',
    category: 'wallet',
    order: 40,
    excerpt: 'Send USDT to Binance, Trust Wallet or a friend, and receive it here: choose the right network, check the address, know the fee.',
    content: `Your USDT can leave for your own wallet or an exchange, and come in from one. The same coin travels on several <b>networks</b> (TRON, BNB Smart Chain, Ethereum, TON). The network is the road it travels on, and <b>both ends must use the same road</b>.

<b>Sending out: ⬆️ Withdraw → 🪙 USDT to a wallet</b>
1. Choose the network. Open the receiving app (Binance, Trust Wallet …), tap Deposit → USDT, and see which network it shows. Choose the <b>same one</b> here.
2. Paste the address the receiving app shows for that network. The bot checks it: an address of another network is refused and named, e.g. a <code>0x…</code> address is BNB Smart Chain or Ethereum, not TRON (TRON addresses start with <code>T</code>).
3. On TON, an exchange also gives a <b>memo</b> (comment). Type it exactly, or the exchange cannot tell the coins are yours.
4. Type the amount that should arrive, or tap All. The <b>fee</b> is shown before you confirm: it pays the network, and it is added to what leaves your wallet.
5. Check the summary, confirm, and type your PIN. The amount and the fee are reserved; when our team has sent it, you receive the <b>transaction hash</b> and a link to see it on the explorer.

<b>Receiving: ⬇️ Deposit → 🪙 USDT from a wallet</b>
1. Choose the network your sending app will use.
2. Send to the desk address shown (copy it, or scan the QR code). On TON, send your memo with it.
3. Type the amount you sent, and paste the transaction hash (TxID) from the sending app.
4. Our team checks it on the explorer and credits what arrived.

<b>Why the network must match</b>
Coins sent on a network the receiver does not use, or a different coin, do not arrive where you expect and usually cannot be got back. Nobody, not even our team, can reverse a transaction on a blockchain.

<blockquote>Save addresses you use often with a name: next time you tap them instead of pasting. Test a new address with a small amount first.</blockquote>`,
  },
];

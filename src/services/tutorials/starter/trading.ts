import type { StarterTutorial } from './types.ts';

export const TRADING: readonly StarterTutorial[] = [
  {
    slug: 'buy-usdt-with-momo',
    title: 'Buy USDT with mobile money',
    category: 'trading',
    order: 10,
    excerpt: 'Get a quote, pay by MTN MoMo, Telecel Cash or AirtelTigo Money with your reference, and send the screenshot.',
    content: `You can buy as soon as your identity is verified.

<b>1. Start</b>
Tap <b>🟢 Buy</b> or send /buy, then type how much you want:
• in cedis: <code>500</code> or <code>GHS 500</code>
• or in USDT: <code>25 USDT</code>

<b>2. Read your quote</b>
The bot shows the rate, what you pay and what you receive. A quote is valid for <b>10 minutes</b>; the time is shown.

<b>3. Choose 📱 Mobile money</b>
(or 🏦 Bank transfer). The bot then shows the number or account to pay, the exact amount and your <b>reference</b>, e.g. <code>BUY-7K2M9QXD</code>.

<b>4. Pay from your own wallet</b>
From MTN MoMo, Telecel Cash or AirtelTigo Money, send <b>exactly</b> the amount shown to the number shown.
• Put the reference in the payment note or "reference" field. This is how we match your payment to your order.
• Pay from a wallet registered in your own name.
• Pay the whole amount in one payment; do not split it.

<b>5. Tell the bot you paid</b>
Send a <b>screenshot</b> of the payment confirmation (the success screen in your MoMo app, or the confirmation message from your network), or tap <b>✅ I have paid</b>. The screenshot makes the check faster.

<b>6. Wait for the confirmation</b>
An admin checks that the money arrived and approves. The USDT goes into your wallet and the bot messages you. See it with /wallet.

<b>If your quote expires</b>
If the 10 minutes pass before you confirm, the bot gives you a fresh quote for the same cedi amount, so what you already paid still counts, with the same reference.

<blockquote>Never pay anyone who contacts you privately and says they are from our team. You only ever pay the details the bot shows you in this chat.</blockquote>`,
  },
  {
    slug: 'sell-usdt-for-cedis',
    title: 'Sell USDT for cedis',
    category: 'trading',
    order: 20,
    excerpt: 'Quote, confirm with your PIN, and the cedis land in your wallet once an admin approves.',
    content: `Selling turns the USDT in your wallet into cedis in your wallet. From there you can withdraw them to MoMo or your bank.

<b>1. Start</b>
Tap <b>🔴 Sell</b> or send /sell. The bot shows how much USDT you have available. Type how much to sell, in USDT (<code>25</code>) or in cedis (<code>GHS 500</code>).

<b>2. Check the quote</b>
You see the rate, how much USDT you give and how many cedis you get. The quote is valid for 10 minutes.

<b>3. Confirm and type your PIN</b>
Tap <b>✅ Confirm</b>, then type your transaction PIN. The bot deletes your PIN message at once.

<b>4. Your USDT is reserved</b>
The amount moves from "available" to "reserved" in /wallet, so it cannot be spent twice. An admin checks the sale:
• <b>Approved</b>: the cedis are added to your wallet and the bot tells you.
• <b>Declined</b>: the reserved USDT goes back to "available", and you are told why.

<b>5. Take your cedis out</b>
Send /withdraw to receive them on MTN, Telecel or AirtelTigo mobile money, or in your bank account. See the Wallet tutorials.

<b>Good to know</b>
• You can only sell USDT that is in your wallet here.
• Five wrong PINs in a row lock money actions for 15 minutes. This protects you if someone else has your phone.`,
  },
  {
    slug: 'use-the-market',
    title: 'Trade with other users on the market',
    category: 'trading',
    order: 30,
    excerpt: 'Place a limit order at your own price; it fills when another user meets it.',
    content: `/buy and /sell trade with our desk at the rate we quote. The <b>market</b> lets you trade USDT with other users at a price <i>you</i> choose.

<b>Reading the market</b>
Send /market. You see the order book:
• <b>Bids</b>: what buyers offer to pay for 1 USDT (the best ones first)
• <b>Asks</b>: what sellers want for 1 USDT
• the last trade price and the volume of the last 24 hours
Tap <b>Refresh</b> to see the latest.

<b>Placing an order</b>
1. Tap <b>Buy</b> or <b>Sell</b>.
2. Type the amount of USDT, e.g. <code>20</code>.
3. Type your limit price in cedis per USDT, e.g. <code>15.40</code>. A buy order never pays more than this; a sell order never sells for less.
4. Check the summary: the total and the fee. Then type your PIN and confirm.

<b>What happens next</b>
Your funds are reserved while the order is open: cedis for a buy order (amount × price), USDT for a sell order. The order is matched straight away against the best opposite orders, oldest first at the same price. The bot tells you what happened:
• <b>Filled</b>: all of it traded.
• <b>Partly filled</b>: some traded; the rest waits in the book.
• <b>Resting</b>: nothing matched yet; it waits for another user.
If you buy and the match is at a lower price than your limit, the difference is returned to you.

<b>Managing your orders</b>
Open orders are listed in /orders, each with a <b>Cancel</b> button. Cancelling releases whatever is still reserved. Open orders expire after a few days (7 by default) and the reserved funds come back to you automatically.

<b>The fee</b>
The seller pays the escrow fee on each trade (2% by default), taken from the cedis they receive. The buyer pays no fee. Your own buy and sell orders never trade with each other.`,
  },
  {
    slug: 'trade-in-gift-cards',
    title: 'Trade in a gift card for cedis',
    category: 'trading',
    order: 40,
    excerpt: 'Which cards we accept, how to photograph a card or an e-code, and how the payout works.',
    content: `You can sell unused gift cards for cedis without leaving Telegram.

<b>Which cards are accepted</b>
Send /giftcards to see the cards we buy today and the rate of each, for example Amazon, Apple/iTunes, Steam, Google Play, Razer Gold, Sephora, Nordstrom, eBay or Vanilla Visa. Only the cards listed there are accepted, and rates differ by card. The list also lets you work out what a card pays before you start, e.g. what a USD 100 Steam card is worth.
The card must be unused, with its full balance. A card that was already redeemed, even partly, is declined.

<b>The steps</b>
1. Send /giftcards and choose the card.
2. Type the face value, e.g. <code>100</code> for a USD 100 card.
3. If you have an <b>e-code</b> (a digital card), type the code exactly as you received it. It is stored encrypted and shown only to the admin who checks it.
4. Send clear photos of the card (see below).
5. Check the summary with your payout, then tap <b>Confirm</b>.

<b>How to photograph a physical card</b>
• Scratch the silver panel gently so the whole code is readable, without scratching the numbers off.
• Take the <b>front</b> and the <b>back</b>, each in a separate photo, in good light and in focus.
• Show the whole card, all four corners, flat on a table.
• If you have the shop receipt, add a photo of it: it helps for cards that need one.

<b>For an e-code</b>
Type the code, and send a screenshot of the e-mail or page where you received it, showing the brand, the amount and the code.

<b>The payout</b>
You get face value × the card's rate, rounded down to the pesewa. The rate is fixed when you confirm: a later rate change does not change your payout. An admin checks the card; when it is approved, the cedis go to your wallet and the bot tells you. If it is declined (for example "already redeemed", "invalid code", "unreadable photo" or "wrong card type"), you are told why.

<blockquote>Once you have sent a card's code here, do not give it to anyone else or redeem it yourself: a card can only be used once.</blockquote>`,
  },
  {
    slug: 'fees-and-rates',
    title: 'Fees and rates explained',
    category: 'trading',
    order: 50,
    excerpt: 'The spread, the escrow fee, quotes that last 10 minutes, and the limits per request.',
    content: `We show every cost before you confirm. Here is how the numbers are made.

<b>The price</b>
We follow the live USDT price in cedis, updated every minute. If the price has not updated for a while, buying and selling pause with a message until it does: you are never quoted an old price.

<b>The spread</b>
Our buy and sell rates sit a little above and below the price. That difference, the spread, is how the desk earns (2% by default). For example, with a price of GHS 15.00 and a 2% spread:
• you <b>buy</b> at GHS 15.30 per USDT, so GHS 500 gets you 32.67973856 USDT
• you <b>sell</b> at GHS 14.70 per USDT, so 10 USDT gets you GHS 147.00
Amounts you receive are rounded down; amounts you pay are rounded up, to the pesewa or the smallest unit of USDT.

<b>Quotes</b>
A quote is valid for 10 minutes and is saved with your request, so the rate you saw is the rate you get. If it expires before you confirm, you get a fresh one.

<b>The escrow fee (market only)</b>
On the market, the seller pays the escrow fee on each trade (2% by default), taken from the cedis they receive. The summary shows it before you confirm.

<b>Gift cards</b>
Each card has its own rate, shown in /giftcards. Your payout is face value × rate, fixed when you confirm.

<b>Limits</b>
Each buy, sell, deposit and withdrawal must be between a smallest and a largest amount (by default GHS 50 and GHS 50,000). If you type an amount outside them, the bot tells you the current limits.

<b>Deposits and withdrawals</b>
We add no fee of our own to deposits and withdrawals. Your mobile money network or bank may charge its own fee for sending money; that is between you and them.`,
  },
];

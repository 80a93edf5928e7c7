import type { StarterTutorial } from './types.ts';

export const FAQ: readonly StarterTutorial[] = [
  {
    slug: 'frequently-asked-questions',
    title: 'Frequently asked questions',
    category: 'faq',
    order: 10,
    excerpt: 'Short answers about approvals, reserved money, limits, quotes and support.',
    content: `<b>How long does an approval take?</b>
Our team checks every buy, sell, deposit, withdrawal, gift card and identity check by hand, usually within a few hours, often much faster. The bot messages you as soon as it is done.

<b>Why can't I buy or sell yet?</b>
Money moves only on verified accounts. Send /kyc to verify your identity, or to see where your check stands.

<b>Why is some of my money "reserved"?</b>
It belongs to a request that is waiting (a sell or a withdrawal) or to an open market order. It comes back to "available" if the request is declined or the order is cancelled.

<b>My quote expired. Did I lose money?</b>
No. A quote lasts 10 minutes. If it runs out, the bot offers a fresh one. For a buy, the cedis you were asked to pay stay the same, so a payment you already made still counts.

<b>Buying and selling are paused. Why?</b>
Our price could not update for a while, so we stop rather than quote you an old price. Your money is safe; try again in a few minutes.

<b>What are the smallest and largest amounts?</b>
By default GHS 50 to GHS 50,000 per request. If you type an amount outside the limits, the bot tells you the current ones.

<b>Which mobile money networks work?</b>
MTN MoMo, Telecel Cash and AirtelTigo Money, for payments and for withdrawals. Bank transfers work too.

<b>I typed something wrong in the middle of a step.</b>
Send /cancel. Nothing is saved, and you can start again.

<b>I forgot my PIN.</b>
For your safety the PIN cannot be shown or reset inside the chat. Contact support with your username.

<b>How do I reach a person?</b>
Send /support, or use the contacts listed there. Always include the reference of your request, e.g. <code>WD-8H3K2M7Q</code>.`,
  },
  {
    slug: 'payment-problems',
    title: 'Something went wrong with a payment',
    category: 'faq',
    order: 20,
    excerpt: 'Forgot the reference, paid the wrong amount, or a request was declined: what to do.',
    content: `<b>I paid but forgot the reference in the note.</b>
Do not pay again. Send the screenshot in the chat if the bot is still waiting for it; otherwise contact support with the transaction ID from your network's message, the amount and the time.

<b>I paid a different amount from the one shown.</b>
Do not send the difference on your own. Contact support with your reference: the admin can see what arrived and will tell you what happens next.

<b>I tapped Cancel after paying.</b>
Nothing was saved, so the bot does not know about the payment. Contact support straight away with the reference the bot showed you and your transaction ID.

<b>My request was declined.</b>
The bot's message says why, e.g. "Payment not received", "The amount paid does not match" or "The account name does not match the user". For sells and withdrawals, the reserved money is already back in your wallet. Fix the cause and start a new request.

<b>My withdrawal is approved but I don't see the money.</b>
Check the number or account shown in the bot's message. Network transfers are usually instant, bank transfers can take longer. If nothing arrives within a day, contact support with the reference.

<b>Someone sent me money and asked me to send it back.</b>
This is a common scam: first check your real balance, not an SMS. Read "Spot the scams" in 🛡 Security.`,
  },
];

import type { StarterTutorial } from './types.ts';

export const SECURITY: readonly StarterTutorial[] = [
  {
    slug: 'keep-your-pin-safe',
    title: 'Keep your PIN safe',
    category: 'security',
    order: 10,
    excerpt: 'Your PIN confirms every sell and withdrawal. Nobody from our team will ever ask for it.',
    content: `Your transaction PIN is the key to your money here: it confirms every sell, withdrawal and market order.

<b>The golden rule</b>
<b>Nobody from our team will ever ask for your PIN</b>, not in this chat, not by phone, not on WhatsApp. The only place you ever type it is this bot, when the bot itself asks you to confirm something you started. Anyone else asking for it is a scammer.

<b>Choose a good PIN</b>
• 4 to 6 digits that are not easy to guess. The bot refuses repeated or consecutive digits such as 1111 or 1234.
• Not your birthday, year of birth, phone number or house number.
• Not the same PIN as your MoMo wallet or your bank card.

<b>Keep it to yourself</b>
• Do not write it in your phone's notes or in a chat.
• Cover the screen when you type it in public.
• The bot deletes your PIN message as soon as it arrives, so it does not stay in the chat.

<b>If someone tries to guess it</b>
After 5 wrong PINs in a row, all money actions are locked for 15 minutes. If you did not make those attempts, someone may have your phone or your Telegram account: read "Protect your Telegram account" and contact support.

<b>Protect the phone too</b>
Use a screen lock on your phone and a passcode on Telegram (Settings → Privacy and Security → Passcode Lock).`,
  },
  {
    slug: 'spot-scams',
    title: 'Spot the scams before they spot you',
    category: 'security',
    order: 20,
    excerpt: 'Fake admins, fake payment SMS, phishing links and “double your money” offers.',
    content: `Scammers target people who trade crypto and gift cards. These are the tricks we see most in Ghana, and how to beat them.

<b>1. Fake admins who message you first</b>
Someone writes to you on Telegram or WhatsApp with a name like "Support", "Admin" or our bot's name and logo. They offer to "speed up" your order or "fix" your account, then ask for your PIN, a code, a payment or a gift card.
• Our team <b>never messages you first</b> from a personal account.
• Everything official reaches you inside this chat with the bot.
• We never ask for your PIN, your Telegram login code or payment to a personal number.
Block and report them.

<b>2. Fake payment SMS</b>
A buyer says they paid you and you get an SMS like "You have received GHS 1,500.00". Scammers send these from ordinary phone numbers, and fake screenshots are easy to make.
• Check your <b>balance</b> in your MoMo app or by dialling your network's menu, never only the SMS.
• Real network alerts come from the network's sender name, not from an ordinary phone number.
• Never "refund" a payment that does not show in your balance.

<b>3. Phishing links</b>
A message with a link to a "verification page", a "giveaway" or a "new version of the bot" that asks for your details, codes or a login.
• This bot works only inside Telegram. We never send you to a website to log in or to "verify your wallet".
• Check the bot's username before you trade; a copy may have a similar name and picture.

<b>4. "Double your money"</b>
Someone promises to double or grow your money fast: "send 1,000, get 2,000 tomorrow", an "investment" with guaranteed daily profit, or a "trading expert" who trades for you.
• Guaranteed high returns do not exist. It is always a scam.
• We never offer investments or manage your money.

<b>5. Gift card and "agent" tricks</b>
• Nobody legitimate asks you to pay a fine, a fee or a bill with gift cards.
• Do not buy crypto or receive money for a stranger, even for a "commission": you may be helping to move stolen money.

<blockquote>When in doubt, stop. Send /cancel, take a breath, and ask us through the bot. A real deal can wait five minutes; a scam cannot.</blockquote>`,
  },
  {
    slug: 'protect-your-telegram-account',
    title: 'Protect your Telegram account',
    category: 'security',
    order: 30,
    excerpt: 'Two-step verification, login codes and active sessions: three settings that stop account theft.',
    content: `Your account here is your Telegram account. If someone takes over your Telegram, they can reach this chat. Three settings stop that.

<b>1. Turn on two-step verification</b>
Telegram → Settings → Privacy and Security → <b>Two-Step Verification</b>. Choose a password (different from your PIN) and add a recovery e-mail. Then a stolen SMS code alone is not enough to log in as you.

<b>2. Never share a login code</b>
Telegram sends a login code by SMS or inside Telegram when someone tries to log in to your account. Nobody needs that code except you, on your own phone. Anyone asking for it, even "Telegram support", is stealing your account.

<b>3. Check your active sessions</b>
Settings → Devices (or Privacy and Security → Active Sessions). If you see a phone or computer you do not know, tap it and end the session, then change your two-step password.

<b>Also</b>
• Keep your SIM safe: ask your network for a SIM PIN, and act fast if your line suddenly stops working.
• Update Telegram from the Play Store or App Store only.
• If you lose your phone, end its session from another device and contact support.`,
  },
];

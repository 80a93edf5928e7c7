import type { StarterTutorial } from './types.ts';

export const GETTING_STARTED: readonly StarterTutorial[] = [
  {
    slug: 'create-your-account',
    title: 'Create your account in two minutes',
    category: 'getting_started',
    order: 10,
    excerpt: 'Send /start, accept the terms, and give your e-mail, phone, name and a PIN.',
    content: `Everything happens right here in Telegram: no app to install and no website to visit.

<b>1. Send /start</b>
Read the short terms and tap <b>✅ I accept</b>. You must be 18 or older and use your own name, phone number and ID.

<b>2. Your e-mail address</b>
Type the address you check, e.g. ama.mensah@gmail.com. Each address can be used for one account only.

<b>3. Your phone number</b>
Tap <b>📱 Share my phone number</b>, or type your Ghana number in any usual form: 024 123 4567, +233 24 123 4567 or 233241234567. Share your own number only; another person's contact is refused.

<b>4. Your first and last name</b>
Use your names exactly as they appear on your Ghana Card or passport. If the name on your Telegram profile is right, tap <b>Keep</b>. Matching names make your identity check much faster.

<b>5. Your transaction PIN</b>
Choose 4 to 6 digits and type them twice. You will confirm every sell, withdrawal and market order with this PIN. The bot deletes both messages as soon as they arrive.
• Easy PINs such as 1111, 1234 or 9876 are refused.
• Do not use your birthday, your phone number or your MoMo PIN.

<b>6. Check and confirm</b>
The bot shows a summary. Tap <b>✅ Confirm</b>, or <b>✏️ Change something</b> to fix a detail first. Nothing is saved until you confirm.

You now have a wallet and the main menu at the bottom of the chat. <b>Next step:</b> verify your identity, because money can only move on verified accounts. Tap <b>Next</b> below to see how.`,
  },
  {
    slug: 'verify-your-identity',
    title: 'Verify your identity (KYC)',
    category: 'getting_started',
    order: 20,
    excerpt: 'Ghana Card, passport or driver’s licence, three clear photos, and you are ready to trade.',
    content: `Ghanaian law requires us to know who trades here, so buying, selling, deposits and withdrawals work only after your identity is checked. It takes about three minutes.

<b>What you need</b>
One valid document:
• <b>Ghana Card</b>: the number looks like GHA-123456789-0
• <b>Passport</b>: e.g. G1234567
• <b>Driver's licence</b>: the number as printed on the card
The document must not be expired, and the name on it must match the name on your account.

<b>The steps</b>
1. Tap <b>🪪 Verify identity</b> or send /kyc.
2. Choose your document and type its number exactly as printed.
3. Confirm your first and last name as they appear on the document.
4. Type your date of birth, e.g. 31/01/2000 or 2000-01-31.
5. Type your home address, e.g. House 12, Oxford Street, Osu, Accra. Your GhanaPost GPS address is fine too.
6. Send the photos: the <b>front</b>, the <b>back</b> (not needed for a passport), and a <b>selfie</b> of you holding the document next to your face.
7. Check the summary and tap <b>✅ Confirm and send</b>.

<b>Photo tips that avoid a rejection</b>
• Lay the document flat on a dark table, in daylight or a bright room.
• All four corners must be inside the picture; fill most of the frame.
• Avoid glare: tilt the card a little or switch the flash off. Ghana Cards are shiny.
• Hold the phone steady and tap the screen to focus; every letter must be readable.
• For the selfie, face the light, take off sunglasses and caps, and keep the document's photo visible.
• Send the picture as a photo or as a file (JPEG or PNG). Very small pictures, under 600 pixels on the short side, are refused.

<b>After you send</b>
An admin checks your documents, usually within a few hours, and the bot messages you here. If something was not right, you are told why (for example "The photos are unreadable") and you can send /kyc to try again. Send /kyc at any time to see where your check stands.`,
  },
  {
    slug: 'find-your-way-around',
    title: 'Find your way around the bot',
    category: 'getting_started',
    order: 30,
    excerpt: 'The main menu, the commands you will use most, and how to stop at any time.',
    content: `<b>The main menu</b>
After you register, buttons appear where your keyboard usually is: 💰 Wallet, 🟢 Buy, 🔴 Sell, ⬇️ Deposit, ⬆️ Withdraw, 📦 Orders, 🧾 History, 🪪 Verify identity and more. If you do not see them, tap the small keyboard icon next to the message box, or send /start.

<b>Commands you will use most</b>
• /wallet: your balances, and buttons to buy, sell, deposit and withdraw
• /buy and /sell: trade USDT at our quoted rate
• /deposit and /withdraw: move cedis in and out by mobile money or bank
• /orders and /history: everything you asked for, with its status
• /tutorials: these guides, with your progress
• /help: every command you may use

<b>Answering questions</b>
The bot asks one thing at a time and gives an example, such as "Type the amount in cedis, e.g. 250". Tap a button when there is one, or type your answer. If an answer is not right, the bot tells you why and asks again.

<b>Stopping</b>
Send /cancel at any time to leave what you are doing. Nothing you typed is saved, and no money moves. Money never moves without a summary and your <b>✅ Confirm</b> first.

<b>Messages from us</b>
When an admin approves or declines something, the bot tells you right here, with the reference. All times are Ghana time. We never message you from another account: see the Security tutorials.`,
  },
];

import { Keyboard, type Context } from 'grammy';

/** One entry per command: its /command, its line in Telegram's command menu and, optionally, its main-menu button. */
export interface CommandEntry {
  command: string;
  description: string;
  button?: string;
  adminOnly?: boolean;
}

export const COMMANDS: readonly CommandEntry[] = [
  { command: 'start', description: 'Register, or open the main menu' },
  { command: 'wallet', description: 'Your balances', button: '💰 Wallet' },
  { command: 'buy', description: 'Buy crypto with mobile money or bank', button: '🟢 Buy' },
  { command: 'sell', description: 'Sell crypto for cedis', button: '🔴 Sell' },
  { command: 'deposit', description: 'Add cedis to your wallet', button: '⬇️ Deposit' },
  { command: 'withdraw', description: 'Send cedis to your momo or bank', button: '⬆️ Withdraw' },
  { command: 'history', description: 'Your requests and their status', button: '🧾 History' },
  { command: 'kyc', description: 'Verify your identity', button: '🪪 Verify identity' },
  { command: 'help', description: 'What this bot can do', button: '❓ Help' },
  { command: 'cancel', description: 'Stop what you are doing (nothing is saved)' },
  { command: 'admin', description: 'Admin menu', button: '🛠 Admin', adminOnly: true },
  { command: 'pending', description: 'Requests waiting for a decision', adminOnly: true },
  { command: 'rates', description: 'The live price, and set it by hand', adminOnly: true },
  { command: 'settings', description: 'View and change the settings', adminOnly: true },
];

export function commandEntry(command: string): CommandEntry {
  const entry = COMMANDS.find((candidate) => candidate.command === command);
  if (!entry) throw new Error(`unknown command ${command}`);
  return entry;
}

/** The persistent main menu of a registered user: the buttons of the commands they may use, two per row. */
export function mainMenuKeyboard(isAdmin: boolean): Keyboard {
  const buttons = COMMANDS.filter((entry) => entry.button && (isAdmin || !entry.adminOnly)).map((entry) => entry.button ?? '');
  return Keyboard.from([buttons]).toFlowed(2).resized().persistent();
}

/** Matches the command, or a press of its main-menu button. */
export function commandOrButton(command: string): (ctx: Context) => boolean {
  const entry = commandEntry(command);
  return (ctx) => ctx.hasCommand(command) || (entry.button !== undefined && ctx.message?.text === entry.button);
}

import { InlineKeyboard, Keyboard, type Composer, type Context } from 'grammy';
import type { BotContext } from '../context.ts';
import { asAdmin, type AdminGuardDeps } from './adminGuard.ts';

/** A command a module adds: its /command, its line in Telegram's menu and /help, and its buttons. */
export interface CommandInfo {
  command: string;
  description: string;
  /** Where it is listed in Telegram's command menu, /help and the main menu: lower first. */
  position: number;
  /** Its button on the persistent main menu of registered users. */
  button?: string;
  /** Its button in the /admin menu. */
  adminMenuButton?: string;
  /** Its button at the foot of /settings: settings a module keeps in its own screen (e.g. the crypto networks). */
  settingsButton?: string;
  /** Admin commands run for admins only, in the admin chat or an admin's private chat; others in private chats. */
  adminOnly?: boolean;
}

/** Callback data of an inline button that runs a command, e.g. `cmd:buy`. */
export function commandButtonData(command: string): string {
  return `cmd:${command}`;
}

/** What the main menu's buttons show for one user, by command, e.g. { notifications: '3' } for "🔔 Notifications (3)". */
export type MenuBadges = Readonly<Record<string, string>>;

export interface CommandMenu {
  /** Every command, in menu order. */
  readonly all: readonly CommandInfo[];
  /**
   * The persistent main menu of a registered user: the buttons of the commands they may use, two per row, each
   * with its badge for them (see `badges`). Inside a conversation, read the badges through `conversation.external`.
   */
  mainMenuKeyboard(isAdmin: boolean, badges?: MenuBadges): Keyboard;
  /** `mainMenuKeyboard` with this user's badges. */
  mainMenuFor(user: { id: number; role: string }): Promise<Keyboard>;
  /**
   * A module adds a per-user badge to its command's main-menu button, e.g. an unread count: `count` should be
   * one cheap query; nothing is shown for 0. The button runs its command whatever the badge says.
   */
  addBadge(command: string, count: (userId: number) => Promise<number>): void;
  /** Every badge for this user, for `mainMenuKeyboard`. */
  badges(userId: number): Promise<MenuBadges>;
  /** The command whose main-menu button `text` is (with or without a badge), if it is one. */
  commandOfButton(text: string | undefined): string | undefined;
  /** The /admin menu: an inline button per admin command that has one. */
  adminMenuKeyboard(): InlineKeyboard;
  /**
   * Runs `handler` for the command, its main-menu button and its inline `cmd:` buttons; admin commands only
   * for admins in admin places (refused with the reason otherwise), the others in private chats.
   */
  handle(composer: Composer<BotContext>, command: string, handler: (ctx: BotContext) => Promise<unknown>): void;
}

/** A button's text with its badge: "🔔 Notifications (3)". */
function buttonLabel(button: string, badge: string | undefined): string {
  return badge ? `${button} (${badge})` : button;
}

/** Whether a typed text is the button, with or without a badge (the keyboard on the user's screen may be older). */
function isButtonText(text: string | undefined, button: string): boolean {
  if (text === undefined || !text.startsWith(button)) return false;
  const rest = text.slice(button.length);
  return rest === '' || /^ \(\d+\)$/.test(rest);
}

export function createCommandMenu(commands: readonly CommandInfo[], admin: AdminGuardDeps): CommandMenu {
  const all = [...commands].sort((a, b) => a.position - b.position);
  const entry = (command: string): CommandInfo => {
    const found = all.find((candidate) => candidate.command === command);
    if (!found) throw new Error(`no module declares the command /${command}`);
    return found;
  };
  const badgeCounts = new Map<string, (userId: number) => Promise<number>>();
  const triggeredBy = (info: CommandInfo) => (ctx: Context) =>
    ctx.hasCommand(info.command) ||
    (info.button !== undefined && isButtonText(ctx.message?.text, info.button)) ||
    ctx.callbackQuery?.data === commandButtonData(info.command);
  const mainMenuKeyboard = (isAdmin: boolean, badges: MenuBadges = {}) => {
    const buttons = all
      .filter((info) => info.button && (isAdmin || !info.adminOnly))
      .map((info) => buttonLabel(info.button ?? '', badges[info.command]));
    return Keyboard.from([buttons]).toFlowed(2).resized().persistent();
  };
  const badges = async (userId: number): Promise<MenuBadges> => {
    const counts = await Promise.all([...badgeCounts].map(async ([command, count]) => [command, await count(userId)] as const));
    return Object.fromEntries(counts.filter(([, count]) => count > 0).map(([command, count]) => [command, String(count)]));
  };

  return {
    all,
    mainMenuKeyboard,
    mainMenuFor: async (user) => mainMenuKeyboard(user.role === 'admin', await badges(user.id)),
    addBadge(command, count) {
      entry(command);
      badgeCounts.set(command, count);
    },
    badges,
    commandOfButton: (text) => all.find((info) => info.button !== undefined && isButtonText(text, info.button))?.command,
    adminMenuKeyboard() {
      const rows = all.filter((info) => info.adminMenuButton).map((info) => [InlineKeyboard.text(info.adminMenuButton ?? '', commandButtonData(info.command))]);
      return InlineKeyboard.from(rows);
    },
    handle(composer, command, handler) {
      const info = entry(command);
      const run = async (ctx: BotContext) => {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery();
        await handler(ctx);
      };
      if (info.adminOnly) composer.filter(triggeredBy(info), (ctx) => asAdmin(ctx, admin, () => run(ctx)));
      else composer.chatType('private').filter(triggeredBy(info), run);
    },
  };
}

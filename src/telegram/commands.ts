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
  /** Admin commands run for admins only, in the admin chat or an admin's private chat; others in private chats. */
  adminOnly?: boolean;
}

/** Callback data of an inline button that runs a command, e.g. `cmd:buy`. */
export function commandButtonData(command: string): string {
  return `cmd:${command}`;
}

export interface CommandMenu {
  /** Every command, in menu order. */
  readonly all: readonly CommandInfo[];
  /** The persistent main menu of a registered user: the buttons of the commands they may use, two per row. */
  mainMenuKeyboard(isAdmin: boolean): Keyboard;
  /** The /admin menu: an inline button per admin command that has one. */
  adminMenuKeyboard(): InlineKeyboard;
  /**
   * Runs `handler` for the command, its main-menu button and its inline `cmd:` buttons; admin commands only
   * for admins in admin places (refused with the reason otherwise), the others in private chats.
   */
  handle(composer: Composer<BotContext>, command: string, handler: (ctx: BotContext) => Promise<unknown>): void;
}

export function createCommandMenu(commands: readonly CommandInfo[], admin: AdminGuardDeps): CommandMenu {
  const all = [...commands].sort((a, b) => a.position - b.position);
  const entry = (command: string): CommandInfo => {
    const found = all.find((candidate) => candidate.command === command);
    if (!found) throw new Error(`no module declares the command /${command}`);
    return found;
  };
  const triggeredBy = (info: CommandInfo) => (ctx: Context) =>
    ctx.hasCommand(info.command) ||
    (info.button !== undefined && ctx.message?.text === info.button) ||
    ctx.callbackQuery?.data === commandButtonData(info.command);

  return {
    all,
    mainMenuKeyboard(isAdmin) {
      const buttons = all.filter((info) => info.button && (isAdmin || !info.adminOnly)).map((info) => info.button ?? '');
      return Keyboard.from([buttons]).toFlowed(2).resized().persistent();
    },
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

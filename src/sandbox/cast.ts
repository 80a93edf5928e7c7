import type { CreateUserOptions } from './botApi/index.ts';

/** The sandbox bot's token: only the local Bot API server knows it. */
export const SANDBOX_TOKEN = '7000000001:sandbox-local-bot-api-server';
export const SANDBOX_BOT_USERNAME = 'tradedesk_sandbox_bot';

/** The admin group chat (a supergroup, as Telegram makes them). */
export const ADMIN_GROUP = { id: -1001000000001, title: 'Desk admins' } as const;

export type PersonKey = 'kofi' | 'ama' | 'esi';

/** Who plays the parts: two users and the admin, as Telegram accounts. */
export const CAST: Readonly<Record<PersonKey, CreateUserOptions & { id: number; last_name: string }>> = {
  kofi: { id: 1_000_001, first_name: 'Kofi', last_name: 'Mensah', username: 'kofi_mensah', phone_number: '+233241000001', language_code: 'en' },
  ama: { id: 1_000_002, first_name: 'Ama', last_name: 'Owusu', username: 'ama_owusu', phone_number: '+233241000002', language_code: 'en' },
  esi: { id: 1_000_003, first_name: 'Esi', last_name: 'Boateng', username: 'esi_admin', phone_number: '+233241000003', language_code: 'en' },
};

export type PaneKey = 'kofi' | 'ama' | 'admin';

/** One chat on the page, seen by the person who types in it. */
export interface Pane {
  key: PaneKey;
  person: PersonKey;
  chatId: number;
  title: string;
  subtitle: string;
}

/** The three panes: Kofi's and Ama's private chats with the bot, and the admin group where Esi types. */
export function panesFor(names: Readonly<Record<PersonKey, string>>): Pane[] {
  return [
    { key: 'kofi', person: 'kofi', chatId: CAST.kofi.id, title: names.kofi, subtitle: `private chat with @${SANDBOX_BOT_USERNAME}` },
    { key: 'ama', person: 'ama', chatId: CAST.ama.id, title: names.ama, subtitle: `private chat with @${SANDBOX_BOT_USERNAME}` },
    {
      key: 'admin',
      person: 'esi',
      chatId: ADMIN_GROUP.id,
      title: ADMIN_GROUP.title,
      subtitle: `group, you are ${names.esi} (admin); privacy mode: the bot sees commands, replies to it and @mentions`,
    },
  ];
}

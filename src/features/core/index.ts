import type { CommandInfo } from '../../telegram/commands.ts';

export { cancelFeature, menuButtonLeavesConversation } from './cancel.ts';
export { fallbackFeature } from './fallback.ts';
export { helpFeature } from './help.ts';

/** The bot's own commands, which work everywhere and in the middle of any conversation. */
export const CORE_COMMANDS: readonly CommandInfo[] = [
  { command: 'help', description: 'What this bot can do', position: 90, button: '❓ Help' },
  { command: 'cancel', description: 'Stop what you are doing (nothing is saved)', position: 100 },
];

// The layers of DESIGN §3, enforced: which folders may import which. Used by eslint.config.js and by
// test/architecture.test.ts, which plants forbidden imports to show each rule fails.
const GRAMMY = ['grammy', 'grammy/*', '@grammyjs/*'];
const TELEGRAM_LAYER = ['**/features/**', '**/scenes/**', '**/telegram/**', '**/middleware/**', '**/jobs/**', '**/bot.ts', '**/context.ts', '**/modules.ts'];

const restrict = (group, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group, message }] }] });

export const layerRules = [
  {
    files: ['src/services/**/*.ts'],
    rules: restrict([...GRAMMY, ...TELEGRAM_LAYER], 'Services hold the rules and never import grammY or the Telegram layer (DESIGN §3).'),
  },
  {
    files: ['src/db/**/*.ts'],
    rules: restrict([...GRAMMY, ...TELEGRAM_LAYER, '**/services/**'], 'src/db is the SQL layer: it imports neither services nor the Telegram layer (DESIGN §3).'),
  },
  {
    files: ['src/scenes/**/*.ts'],
    rules: restrict(['**/features/**'], 'Conversations do not import handlers: features enter scenes, and shared Telegram code lives in src/telegram.'),
  },
];

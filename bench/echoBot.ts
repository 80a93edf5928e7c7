// The baseline of the update benchmark: a bare grammY bot with the same runner and sequentialize as the
// product, echoing every message and answering every tap through the same fake Bot API.
import { run, sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';

const bot = new Bot(process.env.BOT_TOKEN ?? '', { client: { apiRoot: process.env.TELEGRAM_API_ROOT ?? '' } });
bot.use(sequentialize((ctx) => [ctx.chat && `chat:${ctx.chat.id}`, ctx.from && `user:${ctx.from.id}`].filter((key) => typeof key === 'string')));
bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
bot.on('callback_query', (ctx) => ctx.answerCallbackQuery());
await bot.init();
const runner = run(bot, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] }, silent: true } });
process.stdout.write('echo bot started\n');
process.once('SIGTERM', () => void runner.stop()?.then(() => process.exit(0)));

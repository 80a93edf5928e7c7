import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, InlineKeyboard, InputFile, Keyboard } from 'grammy';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, TELEGRAM_RATE_LIMITS, type TestUser } from './support/fakeTelegram/index.ts';

/**
 * Proves the fake Telegram server behaves like the real one for a real grammY bot: delivery over long
 * polling, strict validation (HTML, lengths, callback data, edits, required parameters), files and
 * multipart uploads.
 */

let tg: FakeTelegram;
let bot: Bot;
let alice: TestUser;
let bob: TestUser;
let photoBytes: Buffer;
const downloaded = new Map<string, Buffer>();

/** 1000x600 JPEG whose EXIF says "rotate 90°": Telegram reports the stored 1000x600. */
async function makeJpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).jpeg();
  return orientation ? image.withMetadata({ orientation }).toBuffer() : image.toBuffer();
}

async function expectApiError(promise: Promise<unknown>, code: number, description: string | RegExp): Promise<void> {
  const error: unknown = await promise.then(
    () => new Error('expected the call to be rejected'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  const grammyError = error as GrammyError;
  expect(grammyError.error_code).toBe(code);
  if (typeof description === 'string') expect(grammyError.description).toContain(description);
  else expect(grammyError.description).toMatch(description);
}

async function rawCall(method: string, body: unknown, token = tg.token): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  tg = await FakeTelegram.start({ botUsername: 'trade_test_bot' });
  alice = tg.createUser({ id: 501, first_name: 'Alice', username: 'alice' });
  bob = tg.createUser({ id: 502, first_name: 'Bob' });
  photoBytes = await makeJpeg(1000, 600, 6);

  bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
  bot.api.config.use(autoRetry({ maxDelaySeconds: 2 }));
  bot.command('start', (ctx) =>
    ctx.reply(`<b>Welcome</b>, ${ctx.from?.first_name ?? ''} &amp; friends`, {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text('Confirm', 'confirm:1').url('Help', 'https://example.com/help'),
    }),
  );
  bot.command('phone', (ctx) => ctx.reply('Share your number', { reply_markup: new Keyboard().requestContact('Share phone').resized() }));
  bot.callbackQuery(/^confirm:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: 'Confirmed!' });
    await ctx.editMessageText('<i>Order confirmed</i>', { parse_mode: 'HTML' });
  });
  bot.on('message:contact', (ctx) => ctx.reply(`Got ${ctx.message.contact.phone_number} from ${ctx.message.contact.user_id ?? '?'}`));
  bot.on('message:photo', async (ctx) => {
    const largest = ctx.message.photo.at(-1);
    if (!largest) return;
    const file = await ctx.api.getFile(largest.file_id);
    const response = await fetch(`${tg.apiRoot}/file/bot${tg.token}/${file.file_path ?? ''}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    downloaded.set(largest.file_id, bytes);
    await ctx.reply(`Photo received: ${bytes.length} bytes, ${ctx.message.photo.length} sizes`);
  });
  bot.on('message:text', (ctx) => ctx.reply(`echo: ${ctx.message.text}`));

  await new Promise<void>((resolve) => {
    void bot.start({ timeout: 5, onStart: () => resolve() });
  });
});

afterAll(async () => {
  await bot.stop();
  await tg.stop();
});

describe('delivery through a real grammY bot', () => {
  it('delivers a user command to the handler and stores the HTML and plain reply', async () => {
    const sent = await alice.send('/start');
    expect(sent.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);

    const reply = await tg.waitForMessage(alice.id, 'Welcome');
    expect(reply.text).toBe('Welcome, Alice & friends');
    expect(reply.html).toBe('<b>Welcome</b>, Alice &amp; friends');
    expect(reply.entities).toContainEqual({ type: 'bold', offset: 0, length: 7 });
    expect(reply.from.id).toBe(tg.botInfo.id);
    expect(reply.message_id).toBeGreaterThan(sent.message_id); // ids are shared per chat
    expect(tg.userMessages(alice.id).map((m) => m.text)).toContain('/start');
  });

  it('answers a tapped inline button and edits the card in place', async () => {
    await alice.send('/start');
    const card = await tg.waitForMessage(alice.id, 'Welcome');
    const answer = await alice.tapAndAwaitAnswer(card, 'Confirm');
    expect(answer.text).toBe('Confirmed!');

    const edited = await tg.waitForEdit(alice.id, card.message_id, 'Order confirmed');
    expect(edited.html).toBe('<i>Order confirmed</i>');
    expect(edited.history[0]?.text).toBe('Welcome, Alice & friends');
    // editMessageText without reply_markup drops the keyboard, as on Telegram.
    expect(edited.reply_markup).toBeUndefined();
    await expect(alice.tap(card, 'Confirm')).rejects.toThrow(/no button "Confirm"/);
  });

  it('rejects answering a callback query twice or an unknown one', async () => {
    await alice.send('/start');
    const card = await tg.waitForMessage(alice.id, 'Welcome');
    const id = await alice.tap(card, 'Confirm');
    await alice.answerOf(id);
    await expectApiError(bot.api.answerCallbackQuery(id), 400, 'query is too old and response timeout expired or query ID is invalid');
    await expectApiError(bot.api.answerCallbackQuery('12345'), 400, 'query ID is invalid');
  });

  it('presses a request_contact keyboard button by sharing the own contact', async () => {
    await bob.send('/phone');
    await tg.waitForMessage(bob.id, 'Share your number');
    await bob.pressKeyboard('Share phone');
    const reply = await tg.waitForMessage(bob.id, /^Got \+233/);
    expect(reply.text).toContain(`from ${bob.id}`);
    await expect(bob.pressKeyboard('Not a button')).rejects.toThrow(/Share phone/);
  });

  it('retries after an injected 429 thanks to auto-retry', async () => {
    tg.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await bob.send('hello');
    const reply = await tg.waitForMessage(bob.id, 'echo: hello');
    expect(reply.text).toBe('echo: hello');
    const attempts = tg.callsTo('sendMessage').filter((c) => c.params['text'] === 'echo: hello');
    expect(attempts.map((c) => c.ok)).toEqual([false, true]);
    expect(tg.rejectedCalls.some((c) => c.injected)).toBe(false);
  });

  it('times out with a readable list of the recent bot messages', async () => {
    await tg.settle();
    await expect(tg.waitForMessage(bob.id, 'never sent', { timeout: 100 })).rejects.toThrow(/echo: hello/);
  });
});

describe('strict validation', () => {
  it('rejects HTML Telegram cannot parse', async () => {
    await expectApiError(bot.api.sendMessage(alice.id, '<foo>x</foo>', { parse_mode: 'HTML' }), 400, `can't parse entities: Unsupported start tag "foo"`);
    await expectApiError(bot.api.sendMessage(alice.id, 'price < 5', { parse_mode: 'HTML' }), 400, "can't parse entities");
    await expectApiError(bot.api.sendMessage(alice.id, 'Tom & Jerry', { parse_mode: 'HTML' }), 400, "can't parse entities");
    await expectApiError(bot.api.sendMessage(alice.id, '<b>bold', { parse_mode: 'HTML' }), 400, `Can't find end tag corresponding to start tag "b"`);
    await expectApiError(bot.api.sendMessage(alice.id, '<b><i>x</b></i>', { parse_mode: 'HTML' }), 400, 'Unmatched end tag');
    await expectApiError(bot.api.sendMessage(alice.id, '<span>x</span>', { parse_mode: 'HTML' }), 400, 'tg-spoiler');
    await expectApiError(bot.api.sendMessage(alice.id, '<b> </b>', { parse_mode: 'HTML' }), 400, 'message text is empty');

    const ok = await bot.api.sendMessage(
      alice.id,
      '&lt;ok&gt; &amp; &#65;&#x42; <a href="https://t.me/x">link</a> <span class="tg-spoiler">s</span> <pre><code class="language-ts">x</code></pre> <blockquote expandable>q</blockquote>',
      { parse_mode: 'HTML' },
    );
    expect(ok.text).toBe('<ok> & AB link s x q');
    expect(ok.entities?.map((e) => e.type)).toEqual(['text_link', 'spoiler', 'pre', 'expandable_blockquote']);
  });

  it('counts the 4096 limit after entity parsing', async () => {
    await expectApiError(bot.api.sendMessage(alice.id, 'x'.repeat(4097)), 400, 'message is too long');
    const ok = await bot.api.sendMessage(alice.id, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(ok.text).toHaveLength(4096);
    await expectApiError(bot.api.sendPhoto(alice.id, new InputFile(photoBytes), { caption: 'c'.repeat(1025) }), 400, 'message caption is too long');
  });

  it('rejects callback_data over 64 bytes and buttons without an action', async () => {
    const tooLong = new InlineKeyboard().text('ok', 'é'.repeat(33)); // 33 characters, 66 bytes
    await expectApiError(bot.api.sendMessage(alice.id, 'pick', { reply_markup: tooLong }), 400, 'BUTTON_DATA_INVALID');
    await expectApiError(
      bot.api.sendMessage(alice.id, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'no action' } as { text: string; callback_data: string }]] } }),
      400,
      'Text buttons are unallowed in the inline keyboard',
    );
    const ok = await bot.api.sendMessage(alice.id, 'pick', { reply_markup: new InlineKeyboard().text('ok', 'x'.repeat(64)) });
    expect(ok.reply_markup?.inline_keyboard[0]?.[0]).toMatchObject({ callback_data: 'x'.repeat(64) });
  });

  it('rejects no-op edits and edits of missing messages', async () => {
    const markup = new InlineKeyboard().text('A', 'a');
    const message = await bot.api.sendMessage(alice.id, '<b>Card</b>', { parse_mode: 'HTML', reply_markup: markup });
    await expectApiError(
      bot.api.editMessageText(alice.id, message.message_id, '<b>Card</b>', { parse_mode: 'HTML', reply_markup: markup }),
      400,
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    // Same plain text, different formatting: that is a modification.
    await bot.api.editMessageText(alice.id, message.message_id, 'Card', { reply_markup: markup });
    await bot.api.deleteMessage(alice.id, message.message_id);
    await expectApiError(bot.api.editMessageText(alice.id, message.message_id, 'again'), 400, 'message to edit not found');
    await expectApiError(bot.api.deleteMessage(alice.id, message.message_id), 400, 'message to delete not found');
    expect(tg.message(alice.id, message.message_id)?.deleted).toBe(true);
  });

  it('rejects missing required parameters and wrong primitive types', async () => {
    const noText = await rawCall('sendMessage', { chat_id: alice.id });
    expect(noText).toEqual({ status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } });
    const noPhoto = await rawCall('sendPhoto', { chat_id: alice.id });
    expect(noPhoto.json).toMatchObject({ ok: false, error_code: 400, description: 'Bad Request: photo is required' });
    const badBool = await rawCall('sendMessage', { chat_id: alice.id, text: 'x', disable_notification: 'maybe' });
    expect(badBool.json).toMatchObject({ error_code: 400, description: expect.stringContaining('Boolean') as unknown });
    const badMarkup = await rawCall('sendMessage', { chat_id: alice.id, text: 'x', reply_markup: { inline_keyboard: [[{ text: 1, callback_data: 'a' }]] } });
    expect(badMarkup.json).toMatchObject({ error_code: 400, description: expect.stringContaining('inline_keyboard[0][0].text') as unknown });
    // Unknown parameters are ignored, as on Telegram; form-encoded bodies work too.
    const form = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage`, { method: 'POST', body: new URLSearchParams({ chat_id: String(alice.id), text: 'form', foo: 'bar' }) });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: 'form' } });
  });

  it('answers 401 for a wrong token and 404 for an unknown method', async () => {
    expect(await rawCall('getMe', {}, '999:WRONG')).toEqual({ status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect((await rawCall('sendMessages', {})).json).toEqual({ ok: false, error_code: 404, description: 'Not Found: method not found' });
    const file = await fetch(`${tg.apiRoot}/file/bot999:WRONG/photos/file_1.jpg`);
    expect(file.status).toBe(401);
  });

  it('refuses to write to users who blocked or never started the bot, and to unknown chats', async () => {
    const carol = tg.createUser({ first_name: 'Carol' });
    tg.blockBot(carol.id);
    await expectApiError(bot.api.sendMessage(carol.id, 'hi'), 403, 'Forbidden: bot was blocked by the user');
    const dave = tg.createUser({ first_name: 'Dave', startedBot: false });
    await expectApiError(bot.api.sendMessage(dave.id, 'hi'), 403, "Forbidden: bot can't initiate conversation with a user");
    await expectApiError(bot.api.sendMessage(987654, 'hi'), 400, 'chat not found');
  });

  it('supports groups declared by the test', async () => {
    const admins = tg.addGroup({ id: -100123, title: 'Admins', members: [bob], admins: [alice] });
    await alice.send('/start@trade_test_bot', { chatId: admins.id });
    const welcome = await tg.waitForMessage(admins.id, 'Welcome');
    expect(welcome.chat).toMatchObject({ id: -100123, type: 'supergroup', title: 'Admins' });
    expect((await bot.api.getChatMember(admins.id, alice.id)).status).toBe('administrator');
    expect((await bot.api.getChatMember(admins.id, bob.id)).status).toBe('member');
    await expect(tg.createUser({ first_name: 'Eve' }).send('hi', { chatId: admins.id })).rejects.toThrow(/not a member/);
  });
  it('delivers group messages as privacy mode does: commands, replies to the bot and mentions only', async () => {
    const group = tg.addGroup({ id: -100777, title: 'Desk', members: [alice, bob] });
    const morning = await bob.send('good morning all', { chatId: group.id });
    await bob.send('/start@another_bot', { chatId: group.id });
    await bob.send('@trade_test_bot are you there?', { chatId: group.id });
    const echoed = await tg.waitForMessage(group.id, 'echo: @trade_test_bot are you there?');
    await alice.send('a reply to the bot', { chatId: group.id, replyTo: echoed });
    await tg.waitForMessage(group.id, 'echo: a reply to the bot');
    await alice.send('a reply to Bob', { chatId: group.id, replyTo: morning });
    await alice.send('/start', { chatId: group.id });
    await tg.waitForMessage(group.id, 'Welcome');
    await tg.settle();
    const botTexts = tg.messages(group.id).filter((message) => message.byBot).map((message) => message.text);
    expect(botTexts).toEqual(['echo: @trade_test_bot are you there?', 'echo: a reply to the bot', 'Welcome, Alice & friends']);

    const adminGroup = tg.addGroup({ id: -100778, title: 'Bot is admin here', members: [bob], botIsAdmin: true });
    await bob.send('good morning all', { chatId: adminGroup.id });
    await tg.waitForMessage(adminGroup.id, 'echo: good morning all');
  });
});

describe('files', () => {
  it('gives user photos real thumbnails and serves them through getFile', async () => {
    const sent = await alice.sendPhoto(photoBytes, { caption: 'receipt' });
    const sizes = sent.photo ?? [];
    expect(sizes.map((s) => [s.width, s.height])).toEqual([
      [90, 54],
      [320, 192],
      [1000, 600], // stored dimensions: EXIF orientation is not applied
    ]);
    const reply = await tg.waitForMessage(alice.id, 'Photo received');
    expect(reply.text).toBe(`Photo received: ${photoBytes.length} bytes, 3 sizes`);
    expect(downloaded.get(sizes[2]?.file_id ?? '')?.equals(photoBytes)).toBe(true);

    const thumb = await bot.api.getFile(sizes[0]?.file_id ?? '');
    expect(thumb.file_path).toMatch(/^photos\/file_\d+\.jpg$/);
    const thumbBytes = Buffer.from(await (await fetch(`${tg.apiRoot}/file/bot${tg.token}/${thumb.file_path ?? ''}`)).arrayBuffer());
    expect(await sharp(thumbBytes).metadata()).toMatchObject({ format: 'jpeg', width: 90, height: 54 });
    expect(thumbBytes.length).toBe(sizes[0]?.file_size);
  });

  it('refuses getFile for files over 20 MB', async () => {
    const big = await alice.sendDocument(Buffer.alloc(20 * 1024 * 1024 + 1), { file_name: 'big.pdf' });
    expect(big.document).toMatchObject({ file_name: 'big.pdf', mime_type: 'application/pdf' });
    await expectApiError(bot.api.getFile(big.document?.file_id ?? ''), 400, 'file is too big');
  });

  it('accepts multipart uploads for sendPhoto, sendDocument and sendMediaGroup', async () => {
    const png = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const photo = await bot.api.sendPhoto(alice.id, new InputFile(png, 'chart.png'), { caption: '<i>Rates</i>', parse_mode: 'HTML' });
    expect(photo.caption).toBe('Rates');
    expect(photo.photo?.map((s) => s.width)).toEqual([90, 200]);
    const stored = tg.messages(alice.id).find((m) => m.message_id === photo.message_id);
    expect(stored && tg.mediaBytes(stored).equals(png)).toBe(true);
    expect(stored?.captionHtml).toBe('<i>Rates</i>');

    const document = await bot.api.sendDocument(alice.id, new InputFile(Buffer.from('a,b\n1,2\n'), 'report.csv'));
    expect(document.document).toMatchObject({ file_name: 'report.csv', mime_type: 'text/csv', file_size: 8 });

    const album = await bot.api.sendMediaGroup(alice.id, [
      { type: 'photo', media: new InputFile(png, 'one.png'), caption: 'first' },
      { type: 'photo', media: new InputFile(photoBytes, 'two.jpg') },
      { type: 'photo', media: photo.photo?.at(-1)?.file_id ?? '' }, // reuse by file_id
    ]);
    expect(album).toHaveLength(3);
    const stack = tg.messages(alice.id).slice(-3);
    expect(stack.map((m) => m.message_id)).toEqual(album.map((m) => m.message_id));
    expect(new Set(stack.map((m) => m.media_group_id)).size).toBe(1);
    expect(stack[0]?.media_group_id).toBeDefined();
    expect(stack[0]?.caption).toBe('first');
    expect(stack[1] && tg.mediaBytes(stack[1]).equals(photoBytes)).toBe(true);
    expect(stack[2]?.photo?.at(-1)?.file_id).toBe(photo.photo?.at(-1)?.file_id);

    await expectApiError(bot.api.sendMediaGroup(alice.id, [{ type: 'photo', media: new InputFile(png) }]), 400, '2-10');
    await expectApiError(bot.api.sendPhoto(alice.id, 'no-such-file-id'), 400, 'wrong file identifier');
  });
});

describe('bookkeeping', () => {
  it('records every call and exposes everything the bot wrote', async () => {
    await tg.settle();
    expect(tg.calls.some((c) => c.method === 'getMe' && c.ok)).toBe(true);
    const rejected = new Set(tg.rejectedCalls.map((c) => c.method));
    expect(rejected.has('sendMessage')).toBe(true);
    expect(tg.rejectedCalls.every((c) => c.error && c.error.error_code >= 400)).toBe(true);
    const text = tg.allBotText();
    expect(text).toContain('Confirmed!'); // callback answers
    expect(text).toContain('Welcome, Alice & friends'); // first version of an edited card
    expect(text).not.toContain('SECRET');
  });
});

describe('rate limits', () => {
  it("answers 429 with retry_after as Telegram: bulk over a chat's burst and over the overall limit, answers only over 5 a second, a group over its window", async () => {
    const limited = await FakeTelegram.start({ rateLimits: { ...TELEGRAM_RATE_LIMITS, bulkPerSecond: 5, groupPerWindow: 3, groupWindowMs: 1500 } });
    try {
      const users = [601, 602, 603, 604].map((id) => limited.createUser({ id, first_name: `User${id}` }));
      const group = -100600;
      limited.addGroup({ id: group, title: 'Desk', members: users });
      const call = (method: string, body: Record<string, unknown>) =>
        fetch(`${limited.apiRoot}/bot${limited.token}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then(async (response) => ({ status: response.status, json: (await response.json()) as { parameters?: { retry_after: number } } }));
      const send = (chatId: number) => call('sendMessage', { chat_id: chatId, text: 'hello' });
      const statuses = async (chatId: number, times: number) => {
        const result: number[] = [];
        for (let index = 0; index < times; index++) result.push((await send(chatId)).status);
        return result;
      };
      const [a, b, c, d] = users.map((user) => user.id) as [number, number, number, number];
      // Nobody wrote: bulk. A chat takes a burst of 3, then 1 a second.
      expect(await statuses(a, 4)).toEqual([200, 200, 200, 429]);
      // Five bulk messages this second in all (this fake's limit): the next chat waits too, for a second.
      expect(await statuses(b, 2)).toEqual([200, 200]);
      const overall = await send(c);
      expect(overall.status).toBe(429);
      expect(overall.json.parameters?.retry_after).toBe(1);
      expect(limited.messages(c)).toHaveLength(0);
      // A user who just wrote is answered: up to 5 in one second, and not counted with the bulk.
      await users[3]?.send('hi');
      expect(await statuses(d, 6)).toEqual([200, 200, 200, 200, 200, 429]);
      // A group: everything counted, 3 in this fake's window here, whoever wrote.
      await users[0]?.send('/pending', { chatId: group });
      expect(await statuses(group, 4)).toEqual([200, 200, 200, 429]);
      expect(limited.rateLimitedCalls).toHaveLength(4);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // A second and a half later the chat has one or two more, not a new burst of 3.
      const later = await statuses(a, 3);
      expect(later[0]).toBe(200);
      expect(later.at(-1)).toBe(429);
      expect(await statuses(c, 1)).toEqual([200]);
      expect(await statuses(group, 1)).toEqual([200]);
      // Reads are not sends.
      expect((await call('getChat', { chat_id: a })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

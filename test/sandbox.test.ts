import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { formatText } from '../src/sandbox/botApi/formatting.ts';
import { databasesOn } from '../src/sandbox/database.ts';
import { Sandbox } from '../src/sandbox/sandbox.ts';
import { startPageServer } from '../src/sandbox/web/server.ts';
import { CHROMIUM, launchChromium, NO_CHROMIUM, PaneDriver, watchPage } from './support/browser.ts';
import { sidewaysPhoto } from './support/images.ts';

const XSS_NAME = '<img src=x onerror=alert(1)>';
const PIN = '582039';

let dataDir: string;
let sandbox: Sandbox;
let page: { url: string; close(): Promise<void> };
let browser: Browser;
let tab: Page;
let seen: { dialogs: string[]; errors: string[] };
let photoFile: string;

describe.skipIf(!CHROMIUM)(`the sandbox page in headless Chromium${CHROMIUM ? '' : ` (${NO_CHROMIUM})`}`, () => {
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradebot-sandbox-'));
    photoFile = path.join(dataDir, 'ghana-card.jpg');
    await writeFile(photoFile, await sidewaysPhoto());
    const databases = databasesOn(inject('maintenanceDatabaseUrl'), `sandbox_${randomBytes(6).toString('hex')}`);
    sandbox = await Sandbox.start({ dataDir, databases, logger: createLogger('warn'), demo: false, names: { ama: XSS_NAME } });
    page = await startPageServer(sandbox, { port: 0, logger: createLogger('warn') });
    browser = await launchChromium();
    tab = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    seen = watchPage(tab);
    await tab.goto(page.url);
    await tab.locator('.connection.live').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await sandbox?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers Kofi', async () => {
    const kofi = new PaneDriver(tab, 'kofi');

    await kofi.type('/start');
    await kofi.tap('Do you accept these terms?', '✅ I accept');
    await kofi.message('What is your e-mail address?');
    await kofi.type('kofi.mensah@example.com');
    await kofi.message('What is your phone number?');
    await kofi.pressKeyboard('📱 Share my phone number');
    await kofi.message('Phone number saved: +233241000001');
    await kofi.tap('What is your first name', 'Keep “Kofi”');
    await kofi.tap('What is your last name', 'Keep “Mensah”');
    await kofi.message('Choose a transaction PIN');
    await kofi.type(PIN);
    await kofi.message('Type the same PIN again');
    await kofi.type(PIN);
    await kofi.tap('Please check your details', '✅ Confirm');
    await kofi.message('Welcome aboard, Kofi!');
    // Both PIN messages were deleted by the bot, so the page no longer shows them.
    expect(await kofi.root.locator('.message', { hasText: PIN }).count()).toBe(0);
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('takes Kofi\'s KYC photos from disk', async () => {
    const kofi = new PaneDriver(tab, 'kofi');
    await kofi.type('/kyc');
    await kofi.tap('Which document', 'Ghana Card');
    await kofi.message('Type your Ghana Card number');
    await kofi.type('GHA-123456789-0');
    await kofi.tap('What is your first name, as on the document', /^Keep/);
    await kofi.tap('What is your last name', /^Keep/);
    await kofi.message('date of birth');
    await kofi.type('1990-05-17');
    await kofi.message('home address');
    await kofi.type('House 4, Ring Road, Kumasi');
    await kofi.message('Send a photo of the front of your Ghana Card');
    await kofi.attach(photoFile);
    await kofi.message('Now the back of your Ghana Card');
    await kofi.attach(photoFile);
    await kofi.message('selfie');
    await kofi.attach(photoFile);
    await kofi.tap('Please check your details', '✅ Confirm and send');
    await kofi.message('Your documents were sent for review');
    // Kofi's three photos are in his chat as pictures served by the sandbox.
    expect(await kofi.root.locator('.photo img[src^="/files/"]').count()).toBe(3);
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('shows the admin approving Kofi\'s KYC and his buy, and the balance it gives him', async () => {
    const kofi = new PaneDriver(tab, 'kofi');
    const admin = new PaneDriver(tab, 'admin');

    // The admin group shows the album of three photos and the card, and Esi approves.
    await admin.message(/KYC verification #\d+/);
    expect(await admin.root.locator('.album img').count()).toBe(3);
    await admin.tap(/KYC verification #\d+/, '✅ Approve');
    await admin.message('Approved by Esi Boateng');
    await kofi.message('Your identity is verified');

    await kofi.type('/buy');
    await kofi.message('How much USDT do you want to buy?');
    await kofi.type('GHS 500');
    await kofi.tap('How will you pay?', '📱 Mobile money');
    const payment = await kofi.message('Pay exactly GHS 500.00 by mobile money to:');
    const reference = /BUY-[0-9A-Z]{8}/.exec(await payment.innerText())?.[0] ?? '';
    expect(reference).not.toBe('');
    await kofi.tap('Pay exactly GHS 500.00', '✅ I have paid');
    await kofi.message(`Your purchase ${reference} is waiting for our team`);

    await admin.tap(reference, '✅ Approve');
    // The buy's own card, not the KYC card approved before it.
    await admin.message(new RegExp(`${reference}[^]*Approved by Esi Boateng`));
    await kofi.message(`Your purchase ${reference} is complete: 32.23726627 USDT is now in your wallet.`);
    await kofi.type('/wallet');
    const wallet = await kofi.message('USDT: 32.23726627 USDT available');
    // The bot's <b> is bold on the page, as in Telegram.
    expect(await wallet.locator('b', { hasText: '32.23726627 USDT' }).count()).toBe(1);

    expect(sandbox.session?.tg.rejectedCalls.filter((call) => !call.superseded)).toEqual([]);
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('keeps privacy mode in the admin group, and answers the bot\'s forced reply from the composer', async () => {
    const kofi = new PaneDriver(tab, 'kofi');
    const admin = new PaneDriver(tab, 'admin');
    await admin.type('Morning, team');
    expect(await (await admin.sent('Morning, team')).locator('.unseen').innerText()).toBe('not seen by the bot');

    await kofi.type('/deposit');
    await kofi.tap('How will you send the cedis?', '📱 Mobile money');
    await kofi.message('How much will you deposit?');
    await kofi.type('500');
    const payment = await kofi.message('Pay exactly GHS 500.00');
    const reference = /DEP-[0-9A-Z]{8}/.exec(await payment.innerText())?.[0] ?? '';
    await kofi.tap('Pay exactly GHS 500.00', '✅ I have paid');
    await admin.tap(reference, '❌ Decline');
    await admin.tap(reference, '✏️ Other reason');
    await admin.message('Type the reason for declining');
    // The question forces a reply: the composer replies to it without being told.
    expect(await admin.root.locator('.reply-bar .reply-label').innerText()).toBe('Replying to the bot');
    await admin.type('The money has not arrived');
    const answer = await admin.sent('The money has not arrived');
    expect(await answer.locator('.unseen').count()).toBe(0);
    expect(await answer.locator('.reply-quote').innerText()).toContain('Type the reason for declining');
    await kofi.message('The money has not arrived');
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('keeps the composer on the bot\'s next forced question when it comes before the sandbox has answered the last message', async () => {
    const admin = new PaneDriver(tab, 'admin');
    await admin.type('/catalogue');
    await admin.tap('Gift card catalogue', '➕ Add a card');
    await admin.message('Type the name of the new card');
    // The page hears of the next question (over its event stream) before the sandbox's answer to the POST arrives.
    await tab.route('**/api/panes/admin/send', async (route) => {
      const response = await route.fetch();
      await admin.message('Type its brand');
      await route.fulfill({ response });
    });
    await admin.type('Steam Wallet (USA)');
    await tab.unroute('**/api/panes/admin/send');
    expect(await admin.root.locator('.reply-bar .reply-label').innerText()).toBe('Replying to the bot');
    // The next question shows that the bot got the answer: it replied to the brand question.
    await admin.type('Steam');
    await admin.message('Which currency is the face value of Steam Wallet (USA) in?');
    await admin.type('/cancel');
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('shows a user named like an HTML tag, and what she types, as text', async () => {
    const ama = new PaneDriver(tab, 'ama');
    expect(await ama.root.locator('.pane-title').innerText()).toBe(XSS_NAME);
    await ama.type('/start');
    await ama.tap('Do you accept these terms?', '✅ I accept');
    await ama.message('What is your e-mail address?');
    await ama.type(XSS_NAME);
    const typed = await ama.sent('onerror');
    expect(await typed.locator('.text').innerText()).toBe(XSS_NAME);
    await ama.message('That is not a valid e-mail address');

    expect(await tab.locator('img[src="x"]').count()).toBe(0);
    expect(await ama.root.locator('img').count()).toBe(0);
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('moves the bot clock forward for its jobs (an idle conversation closes), and resets to a fresh database', async () => {
    const kofi = new PaneDriver(tab, 'kofi');
    const ama = new PaneDriver(tab, 'ama');
    // Ama left the registration at the e-mail question; 31 minutes later it has been closed.
    await tab.selectOption('#ff-amount', '31');
    await tab.click('#ff');
    await tab.locator('#clock', { hasText: '(+31 min)' }).waitFor();
    await ama.type('ama.owusu@example.com');
    await ama.message('What you were doing was closed after 30 minutes without an answer');

    await tab.click('#reset');
    await tab.click('#reset');
    await tab.locator('.message').first().waitFor({ state: 'detached' });
    await tab.locator('body.resetting').waitFor({ state: 'detached' });
    expect(await tab.locator('#clock').innerText()).not.toContain('(+');
    // Kofi registered before the reset; in the fresh database he is new.
    await kofi.type('/start');
    await kofi.message('Do you accept these terms?');
    expect(seen).toEqual({ dialogs: [], errors: [] });
  });

  it('renders the formatting of the Bot API HTML mode from its entities, with only safe links', async () => {
    const source =
      '<b>bold <i>both</i></b> <u>under</u> <s>struck</s> <code>x = 1</code> <pre><code class="language-js">let a;</code></pre>' +
      '<a href="https://example.com/?a=1&amp;b=2">site</a> <a href="javascript:alert(1)">bad</a> <tg-spoiler>secret</tg-spoiler>' +
      '<blockquote>quoted</blockquote><blockquote expandable>long</blockquote>see /help';
    // What the local Bot API server makes of a sendMessage in HTML mode: the text and its entities, commands detected.
    const parsed = formatText(source, { parseMode: 'HTML', kind: 'text' });
    // A string, so the test runner does not rewrite the page's own import.
    const rendered = await tab.evaluate(`import('/render.js').then(({ renderFormatted }) => renderFormatted(${JSON.stringify({ text: parsed.text, entities: parsed.entities })}, { command() {} }).innerHTML)`);
    expect(rendered).toBe(
      '<b>bold <i>both</i></b> <u>under</u> <s>struck</s> <code>x = 1</code> <pre data-language="js">let a;</pre>' +
        '<a href="https://example.com/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">site</a> <span class="unsafe-link">bad</span> ' +
        '<span class="spoiler">secret</span><blockquote>quoted</blockquote><blockquote class="expandable">long</blockquote>see <a class="command" href="#">/help</a>',
    );
  });
});

import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's chromium package (what .ci/run installs), or another build named by CHROMIUM_PATH. */
export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((candidate) => candidate && existsSync(candidate));

/** Why browser tests are skipped, in the test name, when there is no Chromium. */
export const NO_CHROMIUM = 'skipped: no Chromium found (apt-get install -y chromium, or set CHROMIUM_PATH)';

export async function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI and this machine run as root, where Chromium's own sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** What a page did that it must never do: open a dialog (alert, confirm…) or throw. */
export function watchPage(page: Page): { dialogs: string[]; errors: string[] } {
  const seen = { dialogs: [] as string[], errors: [] as string[] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  return seen;
}

/** One chat pane of the sandbox page, used as a person would: read, type, tap, attach. */
export class PaneDriver {
  readonly root: Locator;

  constructor(page: Page, key: string) {
    this.root = page.locator(`[data-pane="${key}"]`);
  }

  /**
   * The latest message bubble containing the text, once it is shown, and that bubble from then on: a message
   * arriving later with the same text (the bot quoting an answer) is not taken for it.
   */
  async message(text: string | RegExp, timeout = 10_000): Promise<Locator> {
    return this.#pinned(this.root.locator('.message', { hasText: text }), timeout);
  }

  /** The latest message this pane's person sent containing the text, once it is shown (not the bot's echo of it). */
  async sent(text: string | RegExp, timeout = 10_000): Promise<Locator> {
    return this.#pinned(this.root.locator('.message.mine', { hasText: text }), timeout);
  }

  async type(text: string): Promise<void> {
    const input = this.root.locator('.text-input');
    await input.fill(text);
    await input.press('Enter');
    // The field empties once the sandbox has taken the message.
    await this.root.page().waitForFunction((element) => (element as { value: string }).value === '', await input.elementHandle());
  }

  /** Taps the button of the latest message containing `text` that has it (a question answered earlier lost its buttons). */
  async tap(text: string | RegExp, button: string | RegExp, timeout = 10_000): Promise<void> {
    const named = { hasText: button };
    const withButton = this.root.locator('.message', { hasText: text }).filter({ has: this.root.page().locator('.inline-button', named) });
    await withButton.last().locator('.inline-button', named).click({ timeout });
  }

  async pressKeyboard(button: string): Promise<void> {
    await this.root.locator('.keyboard-button', { hasText: button }).click();
  }

  async attach(file: string): Promise<void> {
    await this.root.locator('.file-input').setInputFiles(file);
  }

  /** The latest of `messages` once there is one, found once and then held by its id. */
  async #pinned(messages: Locator, timeout: number): Promise<Locator> {
    const id = await messages.last().getAttribute('data-id', { timeout });
    return this.root.locator(`.message[data-id="${id}"]`);
  }
}

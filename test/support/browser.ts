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

  /** The latest message bubble containing the text, once it is shown. */
  async message(text: string | RegExp, timeout = 10_000): Promise<Locator> {
    const found = this.root.locator('.message', { hasText: text }).last();
    await found.waitFor({ timeout });
    return found;
  }

  async type(text: string): Promise<void> {
    const input = this.root.locator('.text-input');
    await input.fill(text);
    await input.press('Enter');
    // The field empties once the sandbox has taken the message.
    await this.root.page().waitForFunction((element) => (element as { value: string }).value === '', await input.elementHandle());
  }

  /** Taps an inline button of the latest message containing `text`. */
  async tap(text: string | RegExp, button: string | RegExp): Promise<void> {
    await (await this.message(text)).locator('.inline-button', { hasText: button }).click();
  }

  async pressKeyboard(button: string): Promise<void> {
    await this.root.locator('.keyboard-button', { hasText: button }).click();
  }

  async attach(file: string): Promise<void> {
    await this.root.locator('.file-input').setInputFiles(file);
  }
}

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../eslint.layers.js';

/** ESLint with only the layer rules (no type information needed), as eslint.config.js applies them. */
function layerLinter(): ESLint {
  return new ESLint({
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules],
  });
}

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await layerLinter().lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('layer rules (npm run check)', () => {
  it.each([
    ['src/services/wallet/planted.ts', "import { Composer } from 'grammy';"],
    ['src/services/wallet/planted.ts', "import { autoRetry } from '@grammyjs/auto-retry';"],
    ['src/services/wallet/planted.ts', "import { showWallet } from '../../features/wallet/walletCommand.ts';"],
    ['src/services/wallet/planted.ts', "import { ask } from '../../scenes/ask/ask.ts';"],
    ['src/services/wallet/planted.ts', "import type { BotContext } from '../../context.ts';"],
    ['src/db/planted.ts', "import { moveFunds } from '../services/wallet/ledger.ts';"],
    ['src/db/readModels/planted.ts', "import { html } from '../../telegram/html.ts';"],
    ['src/scenes/wallet/planted.ts', "import { showWallet } from '../../features/wallet/walletCommand.ts';"],
  ])('refuses a planted import in %s: %s', async (filePath, code) => {
    const found = await violations(filePath, `${code}\nexport const planted = 1;\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-imports: /);
  });

  it('allows the arrows that run down: features → scenes → services → db', async () => {
    expect(await violations('src/features/wallet/planted.ts', "import { DEPOSIT } from '../../scenes/wallet/deposit.ts';\nexport const x = DEPOSIT;\n")).toEqual([]);
    expect(await violations('src/scenes/wallet/planted.ts', "import { newReference } from '../../services/common/references.ts';\nexport const x = newReference;\n")).toEqual([]);
    expect(await violations('src/services/wallet/planted.ts', "import { findDeposit } from '../../db/cashDeposits.ts';\nexport const x = findDeposit;\n")).toEqual([]);
  });

  it('holds for the whole source tree', async () => {
    const results = await layerLinter().lintFiles(['src/**/*.ts']);
    expect(results.length).toBeGreaterThan(50);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}: ${message.message}`))).toEqual([]);
  });
});

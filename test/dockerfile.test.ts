import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CHAT_ID } from './support/bot.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { FakeTelegram } from './support/fakeTelegram/index.ts';
import { npmStartNodeArgs } from './support/npmStart.ts';
import { runCommand, startBotProcess, unusedPort } from './support/process.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/**
 * There is no container engine here, so this runs the Dockerfile's steps itself, in a folder standing for
 * the image's /app: each COPY, the production install (`npm ci --omit=dev`, from the npm cache when it can),
 * then the CMD with the image's environment, and the HEALTHCHECK command against it.
 */
describe('the Dockerfile', () => {
  let db: TestDatabase;
  let tg: FakeTelegram;
  let image: string;
  const environment: Record<string, string> = {};
  let command: string[] = [];
  let healthCheck: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    tg = await FakeTelegram.start();
    tg.addGroup({ id: ADMIN_CHAT_ID, title: 'Desk admins' });
    image = await mkdtemp(path.join(tmpdir(), 'tradebot-image-'));
    let workdir = '/';
    const inImage = (target: string) => path.join(image, path.relative('/app', path.resolve(workdir, target)));
    for (const { op, args } of instructions(await readFile(path.join(ROOT, 'Dockerfile'), 'utf8'))) {
      if (op === 'FROM') expect(args).toBe('node:24-slim');
      else if (op === 'WORKDIR') workdir = path.resolve(workdir, args);
      else if (op === 'ENV') for (const pair of args.split(' ')) environment[pair.split('=')[0] ?? ''] = pair.split('=').slice(1).join('=');
      else if (op === 'COPY') {
        const parts = args.split(' ');
        const destination = inImage(parts.at(-1) ?? '.');
        for (const source of parts.slice(0, -1)) {
          await cp(path.join(ROOT, source), parts.length > 2 ? path.join(destination, path.basename(source)) : destination, { recursive: true });
        }
      } else if (op === 'RUN' && args.startsWith('npm ci ')) {
        // With the machine's own settings for reaching the registry (proxy, certificates), as a build host has.
        const install = await runCommand('npm', [...args.split(' ').slice(1), '--prefer-offline'], { cwd: inImage('.'), env: { ...process.env, ...environment } });
        expect(install.code, `${install.stdout}${install.stderr}`).toBe(0);
      } else if (op === 'RUN' && /^mkdir -p \S+ && chown node:node \S+$/.test(args)) {
        await mkdir(inImage(args.split(' ')[2] ?? ''), { recursive: true });
      } else if (op === 'HEALTHCHECK') healthCheck = JSON.parse(args.slice(args.indexOf('CMD ') + 4)) as string[];
      else if (op === 'CMD') command = JSON.parse(args) as string[];
      else expect(['USER', 'VOLUME', 'EXPOSE'], `an instruction this check does not know: ${op} ${args}`).toContain(op);
    }
  }, 240_000);
  afterAll(async () => {
    await tg.stop();
    await db.drop();
    await rm(image, { recursive: true, force: true });
  });

  it('copies the runtime files only, and installs the production dependencies only', async () => {
    expect((await readdir(image)).sort()).toEqual(['data', 'migrations', 'node_modules', 'package-lock.json', 'package.json', 'src']);
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) expect(existsSync(path.join(image, 'node_modules', name)), name).toBe(true);
    // `node` among them: the image's own Node 24 runs the bot. (Type packages may come with a production dependency.)
    const tools = Object.keys(manifest.devDependencies).filter((name) => !name.startsWith('@types/'));
    expect(tools).toEqual(expect.arrayContaining(['node', 'vitest', 'typescript', 'eslint']));
    for (const name of tools) expect(existsSync(path.join(image, 'node_modules', name)), name).toBe(false);
    expect(environment).toMatchObject({ NODE_ENV: 'production', DATA_DIR: '/app/data', PORT: '8080' });
  });

  it('starts the bot from the production install, which answers, passes its health check and stops cleanly', async () => {
    // The image runs the bot as npm start does, with the same node flags.
    expect(command).toEqual(['node', ...npmStartNodeArgs()]);
    const port = String(await unusedPort());
    const env = {
      ...environment,
      DATA_DIR: path.join(image, 'data'),
      PORT: port,
      BOT_TOKEN: tg.token,
      TELEGRAM_API_ROOT: tg.apiRoot,
      ADMIN_CHAT_ID: String(ADMIN_CHAT_ID),
      DATABASE_URL: db.url,
    };
    const bot = startBotProcess(env, { command: { args: command.slice(1), cwd: image } });
    await bot.waitForLog('"msg":"bot started"', 30_000);
    const kojo = tg.createUser({ id: 65001, first_name: 'Kojo' });
    await kojo.send('/help');
    await tg.waitForMessage(kojo.id, 'What I can do');
    expect(healthCheck.slice(0, 1)).toEqual(['node']);
    const check = await runCommand(process.execPath, healthCheck.slice(1), { cwd: image, env: { PORT: port } });
    expect(check.code, `${check.stdout}${check.stderr}`).toBe(0);
    expect(await bot.stop()).toBe(0);
    // The same check fails once the bot is gone, so it can tell.
    expect((await runCommand(process.execPath, healthCheck.slice(1), { cwd: image, env: { PORT: port } })).code).toBe(1);
  });
});

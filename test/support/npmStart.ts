import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** node's arguments in `npm start` (package.json), the script given as a path from the project's root: `['--flag', 'src/main.ts']`. */
export function npmStartNodeArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = scripts.start.split(' ');
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node`);
  return args;
}

/** node's arguments that run the bot as `npm start` does, from any folder. */
export function botNodeArgs(): string[] {
  return npmStartNodeArgs().map((arg) => (arg.startsWith('-') ? arg : `${ROOT}${arg}`));
}

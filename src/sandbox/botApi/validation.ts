import { ApiError, badRequest } from './errors.ts';
import { loadSchema, type ApiField, type ApiType } from './schema.ts';

/** A file part of a multipart/form-data request. */
export interface UploadedFile {
  /** Name of the multipart part (referenced as `attach://<partName>`). */
  partName: string;
  filename: string | undefined;
  contentType: string | undefined;
  bytes: Buffer;
}

/** Parameters after validation: primitives coerced (form fields arrive as strings), JSON strings parsed. */
export type Params = Record<string, unknown>;

class Issue extends Error {}

const PRIMITIVES = new Set(['Integer', 'Float', 'String', 'Boolean', 'InputFile']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value) ?? ''}`;
}

const discriminatorCache = new Map<string, { key: string; value: string } | null>();

/** Subtypes of abstract types (InputMedia, BotCommandScope...) are told apart by their `type`-like field. */
function discriminator(type: ApiType): { key: string; value: string } | null {
  const cached = discriminatorCache.get(type.name);
  if (cached !== undefined) return cached;
  let found: { key: string; value: string } | null = null;
  for (const field of type.fields) {
    if (!['type', 'source', 'status'].includes(field.name)) continue;
    const match = /(?:must be|always) [“"]?([a-z_]+)/.exec(field.description);
    if (match?.[1]) found = { key: field.name, value: match[1] };
  }
  discriminatorCache.set(type.name, found);
  return found;
}

interface Context {
  files: ReadonlyMap<string, UploadedFile>;
  /** Top-level values may be JSON-encoded strings (form data); nested ones must be real JSON. */
  topLevel: boolean;
}

function checkPrimitive(value: unknown, type: string, path: string, ctx: Context): unknown {
  switch (type) {
    case 'Integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?[0-9]{1,16}$/.test(value.trim())) return Number(value.trim());
      throw new Issue(`field "${path}" must be of type Integer, got ${describe(value)}`);
    case 'Float':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
      throw new Issue(`field "${path}" must be of type Float, got ${describe(value)}`);
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      throw new Issue(`field "${path}" must be of type Boolean, got ${describe(value)}`);
    case 'String':
      if (typeof value === 'string') return value;
      throw new Issue(`field "${path}" must be of type String, got ${describe(value)}`);
    case 'InputFile': {
      const name = typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : undefined;
      if (name !== undefined && ctx.files.has(name)) return value;
      throw new Issue(`field "${path}" must be an uploaded file (multipart/form-data part or attach://<name>)`);
    }
    default:
      throw new Error(`not a primitive: ${type}`);
  }
}

function checkObject(value: unknown, type: ApiType, path: string, ctx: Context): unknown {
  if (type.subtypes.length > 0) return checkUnion(value, type.subtypes, path, ctx);
  if (ctx.topLevel && typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Issue(`field "${path}" must be a JSON-serialized ${type.name} object`);
    }
  }
  if (!isRecord(value)) throw new Issue(`field "${path}" must be a ${type.name} object, got ${describe(value)}`);
  const d = discriminator(type);
  if (d && value[d.key] !== d.value) {
    throw new Issue(`field "${path}.${d.key}" must be "${d.value}" in ${type.name}, got ${describe(value[d.key])}`);
  }
  const result: Record<string, unknown> = { ...value };
  const nested: Context = { ...ctx, topLevel: false };
  for (const field of type.fields) {
    const fieldValue = value[field.name];
    if (fieldValue === undefined || fieldValue === null) {
      if (field.required) throw new Issue(`can't find field "${path}.${field.name}" (required in ${type.name})`);
      continue;
    }
    result[field.name] = checkValue(fieldValue, field.types, `${path}.${field.name}`, nested);
  }
  return result;
}

function checkArray(value: unknown, elementType: string, path: string, ctx: Context): unknown[] {
  if (ctx.topLevel && typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new Issue(`field "${path}" must be a JSON-serialized array`);
    }
  }
  if (!Array.isArray(value)) throw new Issue(`field "${path}" must be an Array of ${elementType}, got ${describe(value)}`);
  const nested: Context = { ...ctx, topLevel: false };
  return value.map((item: unknown, index) => checkValue(item, [elementType], `${path}[${index}]`, nested));
}

/** Tries each alternative type; when all fail, reports the alternative the value most likely meant. */
function checkUnion(value: unknown, alternatives: string[], path: string, ctx: Context): unknown {
  const schema = loadSchema();
  let parsed = value;
  if (ctx.topLevel && typeof value === 'string' && /^\s*[[{]/.test(value) && !alternatives.includes('String')) {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Issue(`field "${path}" must be a JSON-serialized object`);
    }
  }
  // Prefer alternatives whose discriminator or required fields are present in the object.
  const ranked = alternatives
    .map((alternative) => {
      const type = schema.types.get(alternative);
      let score = 0;
      if (type && isRecord(parsed)) {
        const d = discriminator(type);
        if (d) score = parsed[d.key] === d.value ? 2 : -1;
        else if (type.fields.some((f) => f.required && f.name in parsed)) score = 1;
      }
      return { alternative, score };
    })
    .sort((a, b) => b.score - a.score);
  // Arrays of discriminated objects (media groups) must not mix kinds.
  if (Array.isArray(parsed) && alternatives.every((a) => a.startsWith('Array of '))) {
    const kinds = new Set(parsed.map((item: unknown) => (isRecord(item) ? item['type'] : undefined)));
    if (kinds.size > 1) {
      throw new Issue(`items of "${path}" can't be mixed: got types ${[...kinds].map((k) => JSON.stringify(k)).join(', ')}`);
    }
  }
  const issues: Issue[] = [];
  for (const { alternative, score } of ranked) {
    if (score < 0) continue;
    try {
      return checkValue(parsed, [alternative], path, { ...ctx, topLevel: ctx.topLevel && parsed === value });
    } catch (error) {
      if (!(error instanceof Issue)) throw error;
      if (score > 0) throw error; // the value clearly meant this alternative
      issues.push(error);
    }
  }
  if (issues.length === 1 && issues[0]) throw issues[0];
  if (isRecord(parsed) && ranked.every((r) => r.score < 0)) {
    const key = ranked
      .map((r) => schema.types.get(r.alternative))
      .map((t) => (t ? discriminator(t)?.key : undefined))
      .find((k) => k !== undefined);
    if (key) throw new Issue(`field "${path}.${key}" has unsupported value ${describe(parsed[key])}`);
  }
  throw new Issue(`field "${path}" must be one of ${alternatives.join(', ')}, got ${describe(value)}`);
}

function checkValue(value: unknown, types: string[], path: string, ctx: Context): unknown {
  if (types.length !== 1) return checkUnion(value, types, path, ctx);
  const type = types[0] ?? 'String';
  if (type.startsWith('Array of ')) return checkArray(value, type.slice('Array of '.length), path, ctx);
  if (PRIMITIVES.has(type)) return checkPrimitive(value, type, path, ctx);
  // Telegram also accepts a bare string as a reply keyboard button.
  if (type === 'KeyboardButton' && typeof value === 'string') return value;
  const described = loadSchema().types.get(type);
  if (!described) throw new Error(`Bot API description has no type ${type}`);
  if (described.fields.length === 0 && described.subtypes.length === 0) {
    // Placeholder types such as CallbackGame: any object.
    if (!isRecord(value)) throw new Issue(`field "${path}" must be a ${type} object`);
    return value;
  }
  return checkObject(value, described, path, ctx);
}

function missingMessage(method: string, field: ApiField): string {
  if (field.name === 'chat_id') return 'chat_id is empty';
  if (field.name === 'text' && method.startsWith('send')) return 'message text is empty';
  return `${field.name} is required`;
}

const BUTTON_ACTIONS = [
  'url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query', 'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay',
] as const;

/** Rules of reply markup that the JSON description cannot express. */
function checkReplyMarkup(markup: unknown): void {
  if (!isRecord(markup)) return;
  if (Array.isArray(markup['inline_keyboard'])) {
    let count = 0;
    for (const [r, row] of markup['inline_keyboard'].entries()) {
      if (!Array.isArray(row)) continue;
      for (const [c, button] of row.entries()) {
        count++;
        if (!isRecord(button)) continue;
        const where = `inline keyboard button [${r}][${c}]`;
        if (typeof button['text'] !== 'string' || button['text'].trim() === '') {
          throw badRequest(`can't parse ${where}: button text must be non-empty`);
        }
        const actions = BUTTON_ACTIONS.filter((a) => button[a] !== undefined && button[a] !== null);
        if (actions.length === 0) throw badRequest(`can't parse ${where}: Text buttons are unallowed in the inline keyboard`);
        if (actions.length > 1) {
          throw badRequest(`can't parse ${where}: exactly one of the optional fields must be used, got ${actions.join(', ')}`);
        }
        const data = button['callback_data'];
        if (typeof data === 'string') {
          const bytes = Buffer.byteLength(data, 'utf8');
          if (bytes < 1 || bytes > 64) throw badRequest(`BUTTON_DATA_INVALID (callback_data of ${where} is ${bytes} bytes; 1-64 allowed)`);
        }
        const url = button['url'];
        if (typeof url === 'string' && !isValidButtonUrl(url)) {
          throw badRequest(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
        }
      }
    }
    if (count > 100) throw badRequest('reply markup is too long');
  }
  if (Array.isArray(markup['keyboard'])) {
    for (const [r, row] of markup['keyboard'].entries()) {
      if (!Array.isArray(row)) continue;
      for (const [c, button] of (row as unknown[]).entries()) {
        const text = isRecord(button) ? button['text'] : button;
        if (typeof text !== 'string' || text.trim() === '') {
          throw badRequest(`can't parse keyboard button [${r}][${c}]: button text must be non-empty`);
        }
      }
    }
  }
}

function isValidButtonUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return ['http:', 'https:', 'tg:', 'ton:'].includes(parsed.protocol) && (parsed.protocol === 'tg:' || parsed.hostname !== '');
  } catch {
    return false;
  }
}

/**
 * Validates a call against the published Bot API description: required fields, primitive types and
 * nested objects (unknown parameter names are ignored, as Telegram does). Returns coerced values.
 */
export function validateParams(method: string, raw: Record<string, unknown>, files: ReadonlyMap<string, UploadedFile>): Params {
  const description = loadSchema().methods.get(method);
  if (!description) throw new ApiError(404, 'Not Found: method not found');
  const params: Params = { ...raw };
  for (const field of description.fields) {
    let value = raw[field.name];
    // A multipart part named like the field is the file itself (the classic upload style).
    if ((value === undefined || value === '') && field.types.includes('InputFile') && files.has(field.name)) {
      value = `attach://${field.name}`;
    }
    if (value === undefined || value === null || (field.name === 'chat_id' && value === '')) {
      if (field.required) throw badRequest(missingMessage(method, field));
      delete params[field.name];
      continue;
    }
    try {
      params[field.name] = checkValue(value, field.types, field.name, { files, topLevel: true });
    } catch (error) {
      if (error instanceof Issue) {
        if (field.name === 'reply_markup') throw badRequest(`can't parse reply keyboard markup JSON object: ${error.message}`);
        throw badRequest(error.message);
      }
      throw error;
    }
  }
  if (params['reply_markup'] !== undefined) checkReplyMarkup(params['reply_markup']);
  return params;
}

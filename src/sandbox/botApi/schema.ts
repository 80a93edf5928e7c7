import { readFileSync } from 'node:fs';

/**
 * The published Bot API description (a copy lives next to this file so the
 * project never depends on anything outside the repository).
 */
export interface ApiField {
  name: string;
  types: string[];
  required: boolean;
  description: string;
}

export interface ApiMethod {
  name: string;
  fields: ApiField[];
  returns: string[];
}

export interface ApiType {
  name: string;
  fields: ApiField[];
  subtypes: string[];
}

export interface ApiSchema {
  version: string;
  methods: Map<string, ApiMethod>;
  /** lower-cased method name -> canonical name (Telegram matches method names case-insensitively) */
  methodsByLowerName: Map<string, string>;
  types: Map<string, ApiType>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readFields(raw: unknown): ApiField[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((f) => ({
    name: String(f['name']),
    types: Array.isArray(f['types']) ? f['types'].map(String) : [],
    required: f['required'] === true,
    description: typeof f['description'] === 'string' ? f['description'] : '',
  }));
}

function parseSchema(json: unknown): ApiSchema {
  if (!isRecord(json) || !isRecord(json['methods']) || !isRecord(json['types'])) {
    throw new Error('telegram-bot-api.json has an unexpected shape');
  }
  const methods = new Map<string, ApiMethod>();
  const methodsByLowerName = new Map<string, string>();
  for (const [name, raw] of Object.entries(json['methods'])) {
    if (!isRecord(raw)) continue;
    methods.set(name, {
      name,
      fields: readFields(raw['fields']),
      returns: Array.isArray(raw['returns']) ? raw['returns'].map(String) : [],
    });
    methodsByLowerName.set(name.toLowerCase(), name);
  }
  const types = new Map<string, ApiType>();
  for (const [name, raw] of Object.entries(json['types'])) {
    if (!isRecord(raw)) continue;
    types.set(name, {
      name,
      fields: readFields(raw['fields']),
      subtypes: Array.isArray(raw['subtypes']) ? raw['subtypes'].map(String) : [],
    });
  }
  return { version: String(json['version']), methods, methodsByLowerName, types };
}

let cached: ApiSchema | undefined;

/** Parsed once per process: the file is ~900 KB. */
export function loadSchema(): ApiSchema {
  cached ??= parseSchema(JSON.parse(readFileSync(new URL('./telegram-bot-api.json', import.meta.url), 'utf8')));
  return cached;
}

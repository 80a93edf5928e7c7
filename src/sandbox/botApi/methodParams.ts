import type { MessageEntity } from 'grammy/types';
import type { ReplyMarkup } from './types.ts';
import type { Params, UploadedFile } from './validation.ts';
import type { World } from './world.ts';

/**
 * One simulated Bot API method; params are already validated against the API description.
 * getUpdates is not here: it holds the HTTP request open, so the server handles it.
 */
export type MethodHandler = (world: World, params: Params, files: ReadonlyMap<string, UploadedFile>) => unknown;

// Typed reads of validated parameters.
export const str = (p: Params, name: string): string | undefined => (typeof p[name] === 'string' ? p[name] : undefined);
export const int = (p: Params, name: string): number | undefined => (typeof p[name] === 'number' ? p[name] : undefined);
export const bool = (p: Params, name: string): boolean | undefined => (typeof p[name] === 'boolean' ? p[name] : undefined);
export const entitiesOf = (p: Params, name: string): MessageEntity[] | undefined =>
  Array.isArray(p[name]) ? (p[name] as MessageEntity[]) : undefined;
export const markupOf = (p: Params): ReplyMarkup | undefined =>
  typeof p['reply_markup'] === 'object' && p['reply_markup'] !== null ? (p['reply_markup'] as ReplyMarkup) : undefined;

import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';
import type { UploadedFile } from './validation.ts';

/** Telegram refuses bodies over 50 MB (the bot upload limit) with 413. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

export interface ParsedRequest {
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function headerParams(header: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const match of header.matchAll(/;\s*([\w*.-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g)) {
    const key = match[1]?.toLowerCase();
    let value = (match[2] ?? '').trim();
    if (value.startsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (key) result.set(key, value);
  }
  return result;
}

/**
 * Minimal multipart/form-data parser. Written by hand because grammY emits headers without a space
 * after the colon and unquoted filenames (`content-disposition:form-data;name="x";filename=a.jpg`),
 * which stricter parsers reject but Telegram accepts.
 */
export function parseMultipart(body: Buffer, contentType: string): ParsedRequest {
  const boundary = headerParams(contentType).get('boundary');
  if (!boundary) throw new ApiError(400, 'Bad Request: multipart boundary is missing');
  const delimiter = Buffer.from(`--${boundary}`);
  const params: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    let start = position + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // The part ends before the CRLF that precedes the next delimiter.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = new Map<string, string>();
      for (const line of part.subarray(0, headerEnd).toString('utf8').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const disposition = headerParams(';' + (headers.get('content-disposition') ?? '').replace(/^[^;]*/, ''));
      const name = disposition.get('name');
      const content = part.subarray(headerEnd + 4);
      if (name !== undefined) {
        const filename = disposition.get('filename');
        if (filename !== undefined) {
          files.set(name, { partName: name, filename, contentType: headers.get('content-type'), bytes: Buffer.from(content) });
        } else {
          params[name] = content.toString('utf8');
        }
      }
    }
    position = next;
  }
  return { params, files };
}

/** Reads parameters from the query string and the body (JSON, urlencoded or multipart), like the Bot API. */
export async function parseApiRequest(req: IncomingMessage, url: URL): Promise<ParsedRequest> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  const contentType = req.headers['content-type'] ?? '';
  let files = new Map<string, UploadedFile>();
  if (body.length > 0) {
    if (/^application\/json/i.test(contentType)) {
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new ApiError(400, "Bad Request: can't parse JSON encoded request body");
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        throw new ApiError(400, 'Bad Request: request body must be a JSON object');
      }
      Object.assign(params, json);
    } else if (/^multipart\/form-data/i.test(contentType)) {
      const multipart = parseMultipart(body, contentType);
      Object.assign(params, multipart.params);
      files = multipart.files;
    } else {
      // application/x-www-form-urlencoded (also the fallback, as Telegram is lenient here).
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
  }
  return { params, files };
}

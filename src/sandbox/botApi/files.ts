import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Document, File, PhotoSize } from 'grammy/types';
import { badRequest } from './errors.ts';

/** Bots may download files up to 20 MB with getFile. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Telegram refuses photos over 10 MB (send them as documents instead). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Long-side sizes of the thumbnails Telegram generates ("s" and "m" sizes). */
const THUMBNAIL_SIDES = [90, 320];

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  file_size: number;
  kind: 'photo' | 'document';
  bytes: Buffer;
  width?: number;
  height?: number;
  file_name?: string;
  mime_type?: string;
}

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function extensionOf(fileName: string | undefined): string | undefined {
  const match = /\.([a-zA-Z0-9]{1,8})$/.exec(fileName ?? '');
  return match?.[1]?.toLowerCase();
}

/** Like Telegram, guesses a document's MIME type from its name (uploads arrive as application/octet-stream). */
export function guessMimeType(fileName: string | undefined): string | undefined {
  const ext = extensionOf(fileName);
  return ext ? MIME_TYPES[ext] : undefined;
}

/** Every file known to the fake server, addressable by file_id and by file_path. */
export class FileStore {
  #byId = new Map<string, StoredFile>();
  #byPath = new Map<string, StoredFile>();
  /** file_id of any size -> the whole PhotoSize array it belongs to */
  #photoSets = new Map<string, PhotoSize[]>();
  #counter = 0;

  #add(kind: StoredFile['kind'], bytes: Buffer, extension: string, extra: Partial<StoredFile>): StoredFile {
    const n = ++this.#counter;
    // Same bytes -> same file_unique_id, as on Telegram; file_id is opaque and unique per stored copy.
    const unique = createHash('sha256').update(bytes).digest('base64url').slice(0, 15);
    const file: StoredFile = {
      ...extra,
      kind,
      bytes,
      file_id: `${kind === 'photo' ? 'AgAC' : 'BQAC'}${n}_${randomBytes(9).toString('base64url')}`,
      file_unique_id: `AQAD${unique}`,
      file_path: `${kind === 'photo' ? 'photos' : 'documents'}/file_${n}.${extension}`,
      file_size: bytes.length,
    };
    this.#byId.set(file.file_id, file);
    this.#byPath.set(file.file_path, file);
    return file;
  }

  /**
   * Stores a photo the way Telegram presents it: small JPEG thumbnails (only those smaller than the
   * original) followed by the original bytes. Dimensions are the stored ones, EXIF orientation ignored.
   */
  async storePhoto(bytes: Buffer): Promise<PhotoSize[]> {
    if (bytes.length > MAX_PHOTO_BYTES) throw badRequest('PHOTO_INVALID_DIMENSIONS (photo is larger than 10 MB)');
    const meta = await sharp(bytes)
      .metadata()
      .catch(() => {
        throw badRequest('IMAGE_PROCESS_FAILED');
      });
    const width = meta.width;
    const height = meta.height;
    if (!width || !height) throw badRequest('IMAGE_PROCESS_FAILED');
    if (width + height > 10000 || Math.max(width, height) / Math.min(width, height) > 20) {
      throw badRequest('PHOTO_INVALID_DIMENSIONS');
    }
    const longSide = Math.max(width, height);
    const sizes: PhotoSize[] = [];
    for (const side of THUMBNAIL_SIDES) {
      if (side >= longSide) continue;
      const { data, info } = await sharp(bytes)
        .resize({ width: side, height: side, fit: 'inside' })
        .jpeg({ quality: 80 })
        .toBuffer({ resolveWithObject: true });
      const thumb = this.#add('photo', data, 'jpg', { width: info.width, height: info.height });
      sizes.push(toPhotoSize(thumb));
    }
    const extension = meta.format === 'jpeg' ? 'jpg' : (meta.format ?? 'jpg');
    const original = this.#add('photo', Buffer.from(bytes), extension, { width, height });
    sizes.push(toPhotoSize(original));
    for (const size of sizes) this.#photoSets.set(size.file_id, sizes);
    return sizes;
  }

  storeDocument(bytes: Buffer, fileName: string | undefined, mimeType: string | undefined): Document {
    const extension = extensionOf(fileName) ?? 'dat';
    const mime = mimeType && mimeType !== 'application/octet-stream' ? mimeType : (guessMimeType(fileName) ?? mimeType);
    const extra: Partial<StoredFile> = {};
    if (fileName !== undefined) extra.file_name = fileName;
    if (mime !== undefined) extra.mime_type = mime;
    return toDocument(this.#add('document', Buffer.from(bytes), extension, extra));
  }

  get(fileId: string): StoredFile | undefined {
    return this.#byId.get(fileId);
  }

  byPath(filePath: string): StoredFile | undefined {
    return this.#byPath.get(filePath);
  }

  /** All sizes of the photo that `fileId` (any of its sizes) belongs to. */
  photoSet(fileId: string): PhotoSize[] | undefined {
    return this.#photoSets.get(fileId);
  }

  documentById(fileId: string): Document | undefined {
    const file = this.#byId.get(fileId);
    return file?.kind === 'document' ? toDocument(file) : undefined;
  }

  /** The getFile method. */
  getFile(fileId: string): File {
    const file = this.#byId.get(fileId);
    if (!file) throw badRequest('wrong file_id or the file is temporarily unavailable');
    if (file.file_size > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path };
  }
}

function toPhotoSize(file: StoredFile): PhotoSize {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    width: file.width ?? 0,
    height: file.height ?? 0,
    file_size: file.file_size,
  };
}

function toDocument(file: StoredFile): Document {
  const document: Document = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
  if (file.file_name !== undefined) document.file_name = file.file_name;
  if (file.mime_type !== undefined) document.mime_type = file.mime_type;
  return document;
}

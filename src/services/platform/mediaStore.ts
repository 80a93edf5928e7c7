import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { Metadata } from 'sharp';
import { invalid, valid, type Checked } from '../common/validation.ts';
import { loadSharp } from './sharp.ts';

/** Identity documents, payment and gift card proofs, catalogue card pictures, tutorial pictures and photos sent to or by support. */
export type MediaFolder = 'kyc' | 'proofs' | 'giftcards' | 'tutorials' | 'support';

/** `path` is relative to the media folder (e.g. `kyc/<uuid>.jpg`, at most 50 characters), so it fits a VARCHAR(100) column. */
export interface StoredImage {
  path: string;
  width: number;
  height: number;
  bytes: number;
}

export interface MediaStore {
  /** Whether the bytes are a usable photo for the folder (the checks of storeImage), without storing anything. */
  checkImage(bytes: Buffer, folder?: MediaFolder): Promise<Checked<{ width: number; height: number }>>;
  /** Checks that the bytes are a usable photo, then stores an upright, metadata-free JPEG copy. */
  storeImage(bytes: Buffer, folder: MediaFolder): Promise<Checked<StoredImage>>;
  /** Deletes a stored file (no error when it is already gone). */
  remove(relativePath: string): Promise<void>;
  /** Throws for any path that would leave the media folder. */
  absolutePath(relativePath: string): string;
}

// Telegram's Bot API will not let a bot download anything larger, so nothing bigger can legitimately arrive.
const MAX_BYTES = 20 * 1024 * 1024;
// A few bytes can declare billions of pixels; refuse before decoding (sharp enforces it again while decoding).
const MAX_PIXELS = 100_000_000;
// Below 600 px, the small print on an ID card or a payment screenshot is hard to read; a tutorial's picture
// only has to look decent in a chat, and a photo for support only has to show what the user means.
const MIN_SHORT_SIDE: Record<MediaFolder, number> = { kyc: 600, proofs: 600, giftcards: 600, tutorials: 320, support: 200 };
const MAX_LONG_SIDE = 2048;
// Photo formats only: GIF, SVG and the like are not photos of a document.
const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'heif', 'tiff']);

const SEND_A_PHOTO = 'Send a photo (JPEG or PNG).';

async function readMetadata(bytes: Buffer): Promise<Metadata | undefined> {
  try {
    // Only the header is read here; lifting the pixel limit lets checkPhoto refuse a huge image with a reason.
    const sharp = await loadSharp();
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return undefined;
  }
}

function checkPhoto(metadata: Metadata | undefined, minShortSide: number): Checked<Metadata> {
  if (!metadata) return invalid(`That file is not a picture. ${SEND_A_PHOTO}`);
  if (!ACCEPTED_FORMATS.has(metadata.format)) {
    return invalid(`That file is a ${metadata.format.toUpperCase()} image, which I cannot accept. ${SEND_A_PHOTO}`);
  }
  const { width, height } = metadata.autoOrient;
  if (width * height > MAX_PIXELS) {
    return invalid(`This photo is ${width}×${height} pixels, more than I can handle. Send a smaller photo, at most 100 megapixels.`);
  }
  if (Math.min(width, height) < minShortSide) {
    return invalid(
      `This photo is only ${width}×${height} pixels; I need at least ${minShortSide} pixels on its shorter side. ` +
        'Take the photo closer or with a better camera.',
    );
  }
  return valid(metadata);
}

/** Sharp writes no EXIF, GPS, ICC, XMP or IPTC unless asked to (keepMetadata/withMetadata), so none is kept. */
async function toUprightJpeg(bytes: Buffer) {
  const sharp = await loadSharp();
  return sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS })
    .rotate()
    .resize({ width: MAX_LONG_SIDE, height: MAX_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    // JPEG has no transparency; without this, transparent areas turn black.
    .flatten({ background: '#ffffff' })
    // Plain libjpeg: mozjpeg saves about a tenth of the bytes but takes three times as long (npm run bench).
    .jpeg({ quality: 85 })
    .toBuffer({ resolveWithObject: true });
}

/** The file appears under its final name only once complete, so a crash leaves at most a stray `.tmp` file. */
async function writeOwnerOnly(path: string, data: Buffer): Promise<void> {
  const temporary = `${path}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The upright, metadata-free JPEG of a usable photo, or why the photo cannot be used. */
async function prepare(bytes: Buffer, folder: MediaFolder): Promise<Checked<Awaited<ReturnType<typeof toUprightJpeg>>>> {
  if (bytes.length > MAX_BYTES) return invalid('That file is too large. Send a smaller photo, at most 20 MB.');
  const checked = checkPhoto(await readMetadata(bytes), MIN_SHORT_SIDE[folder]);
  if (!checked.ok) return checked;
  // The header was readable but the pixels were not: a truncated upload, or a codec this sharp build lacks.
  const output = await toUprightJpeg(bytes).catch(() => undefined);
  return output
    ? valid(output)
    : invalid('I could not open that picture; it may be damaged or in an unusual format. Send the photo again as a JPEG or PNG.');
}

/** Identity documents, proofs, card, tutorial and support pictures, kept under `${dataDir}/media` where only the bot's user can read them. */
export function createMediaStore({ dataDir }: { dataDir: string }): MediaStore {
  const root = resolve(dataDir, 'media');

  function absolutePath(relativePath: string): string {
    const path = resolve(root, relativePath);
    if (isAbsolute(relativePath) || !path.startsWith(root + sep)) {
      throw new Error(`Media path is outside the media folder: ${relativePath}`);
    }
    return path;
  }

  return {
    async checkImage(bytes, folder = 'kyc') {
      const prepared = await prepare(bytes, folder);
      return prepared.ok ? valid({ width: prepared.value.info.width, height: prepared.value.info.height }) : prepared;
    },
    async storeImage(bytes, folder) {
      const prepared = await prepare(bytes, folder);
      if (!prepared.ok) return prepared;
      const { data, info } = prepared.value;
      const path = `${folder}/${randomUUID()}.jpg`;
      const target = absolutePath(path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await writeOwnerOnly(target, data);
      return valid({ path, width: info.width, height: info.height, bytes: data.length });
    },
    async remove(relativePath) {
      await rm(absolutePath(relativePath), { force: true });
    },
    absolutePath,
  };
}

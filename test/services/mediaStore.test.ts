import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMediaStore, type MediaFolder, type MediaStore, type StoredImage } from '../../src/services/platform/mediaStore.ts';
import { pixelBomb } from '../support/images.ts';

const MAX_BYTES = 20 * 1024 * 1024;
const GPS_MARKER = 'GPS-IFD-MARKER';
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

let dataDir: string;
let store: MediaStore;
let sidewaysPhoto: Buffer;

const solid = (width: number, height: number, background: string = '#808080') =>
  sharp({ create: { width, height, channels: 3, background } });

/** Prepends an APP13 segment holding an IPTC caption, which sharp cannot write itself. */
function withIptc(jpeg: Buffer, caption: string): Buffer {
  const record = Buffer.concat([Buffer.from([0x1c, 0x02, 0x78, 0, caption.length]), Buffer.from(caption)]);
  const resourceHeader = Buffer.from('8BIM\x04\x04\0\0\0\0\0\0', 'latin1');
  resourceHeader.writeUInt32BE(record.length, 8);
  const body = Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resourceHeader, record, Buffer.alloc(record.length % 2)]);
  const segmentHeader = Buffer.from([0xff, 0xed, 0, 0]);
  segmentHeader.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segmentHeader, body, jpeg.subarray(2)]);
}

/** 1200×800, left half red and right half blue, tagged "rotate 90° clockwise" (orientation 6), with EXIF+GPS, ICC, XMP and IPTC. */
async function makeSidewaysPhoto(): Promise<Buffer> {
  const jpeg = await solid(1200, 800, '#ff0000')
    .composite([{ input: { create: { width: 600, height: 800, channels: 3, background: '#0000ff' } }, left: 600, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'SecretCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '5/1 36/1 0/1', GPSMapDatum: GPS_MARKER } })
    .withIccProfile('p3')
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
    .toBuffer();
  return withIptc(jpeg, 'secret caption');
}

async function stored(bytes: Buffer, folder: MediaFolder = 'kyc'): Promise<StoredImage> {
  const result = await store.storeImage(bytes, folder);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.value;
}

async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

function expectColour(actual: number[], expected: number[]): void {
  actual.forEach((channel, index) => expect(Math.abs(channel - (expected[index] ?? 0))).toBeLessThan(16));
}

beforeAll(async () => {
  sidewaysPhoto = await makeSidewaysPhoto();
});
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'media-store-'));
  store = createMediaStore({ dataDir });
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('storeImage', () => {
  it('stores the photo owner-only under media/<folder> with a short relative path', async () => {
    const image = await stored(sidewaysPhoto);

    expect(image.path).toMatch(/^kyc\/[\w-]+\.jpg$/);
    expect(image.path.length).toBeLessThanOrEqual(100);
    const file = join(dataDir, 'media', image.path);
    expect(store.absolutePath(image.path)).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'media', 'kyc'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'media'))).mode & 0o777).toBe(0o700);
    // Only the final file: the temporary one was renamed.
    expect(await readdir(join(dataDir, 'media', 'kyc'))).toEqual([image.path.slice('kyc/'.length)]);
    const onDisk = await readFile(file);
    expect(image.bytes).toBe(onDisk.length);

    const proof = await stored(sidewaysPhoto, 'proofs');
    expect(proof.path).toMatch(/^proofs\/[\w-]+\.jpg$/);
  });

  it('strips EXIF, GPS, ICC, XMP and IPTC', async () => {
    const input = await sharp(sidewaysPhoto).metadata();
    expect(input.orientation).toBe(6);
    expect(input.exif?.includes(GPS_MARKER)).toBe(true);
    expect(input.icc).toBeDefined();
    expect(input.xmp).toBeDefined();
    expect(input.iptc?.includes('secret caption')).toBe(true);

    const output = await readFile(store.absolutePath((await stored(sidewaysPhoto)).path));
    const metadata = await sharp(output).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.exif).toBeUndefined();
    expect(metadata.icc).toBeUndefined();
    expect(metadata.iptc).toBeUndefined();
    expect(metadata.xmp).toBeUndefined();
    expect(metadata.orientation ?? 1).toBe(1);
    for (const trace of ['Exif', GPS_MARKER, 'SecretCam', 'ICC_PROFILE', 'xmpmeta', 'Photoshop', 'secret caption']) {
      expect(output.includes(trace), trace).toBe(false);
    }
  });

  it('turns the photo upright according to its EXIF orientation', async () => {
    const image = await stored(sidewaysPhoto);
    expect([image.width, image.height]).toEqual([800, 1200]);

    const output = await readFile(store.absolutePath(image.path));
    const metadata = await sharp(output).metadata();
    expect([metadata.width, metadata.height]).toEqual([800, 1200]);
    // Rotating 90° clockwise puts the red left half on top and the blue right half at the bottom.
    expectColour(await pixelAt(output, 400, 100), RED);
    expectColour(await pixelAt(output, 400, 1100), BLUE);
  });

  it('shrinks the long side to 2048 pixels, keeping the aspect ratio, and never enlarges', async () => {
    const large = await stored(await solid(5000, 3000).jpeg().toBuffer());
    expect(large.width).toBe(2048);
    expect(large.height).toBeCloseTo((2048 * 3000) / 5000, 0);
    const metadata = await sharp(await readFile(store.absolutePath(large.path))).metadata();
    expect([metadata.width, metadata.height]).toEqual([large.width, large.height]);

    const modest = await stored(await solid(900, 700).jpeg().toBuffer());
    expect([modest.width, modest.height]).toEqual([900, 700]);
  });

  it.each([
    ['PNG', () => solid(800, 600).png().toBuffer()],
    ['WebP', () => solid(800, 600).webp().toBuffer()],
    ['TIFF', () => solid(800, 600).tiff().toBuffer()],
    ['AVIF (HEIF)', () => solid(800, 600).avif().toBuffer()],
  ])('accepts %s and stores it as JPEG', async (_format, make) => {
    const image = await stored(await make());
    expect([image.width, image.height]).toEqual([800, 600]);
    expect((await sharp(await readFile(store.absolutePath(image.path))).metadata()).format).toBe('jpeg');
  });

  it('fills transparent areas with white rather than black', async () => {
    const transparent = await sharp({ create: { width: 800, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    expectColour(await pixelAt(await readFile(store.absolutePath((await stored(transparent)).path)), 400, 400), [255, 255, 255]);
  });

  it.each([
    ['a PDF', () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), /not a picture/],
    ['a text file', () => Buffer.from('Ama Mensah, GHA-123456789-0\n'), /not a picture/],
    ['an empty file', () => Buffer.alloc(0), /not a picture/],
    ['a GIF', () => solid(800, 600).gif().toBuffer(), /GIF image, which I cannot accept/],
    ['an SVG', () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="1000"/>'), /SVG image/],
    ['a 300×200 PNG', () => solid(300, 200).png().toBuffer(), /only 300×200 pixels; I need at least 600 pixels on its shorter side/],
    // Measured upright: 900×500 tagged "rotate 90°" is 500 wide.
    ['a sideways 900×500 JPEG', () => solid(900, 500).jpeg().withMetadata({ orientation: 6 }).toBuffer(), /only 500×900 pixels/],
    ['a truncated JPEG', () => sidewaysPhoto.subarray(0, sidewaysPhoto.length / 2), /damaged/],
    ['a decompression bomb', pixelBomb, /20000×20000 pixels, more than I can handle/],
  ])('refuses %s with the reason and writes nothing', async (_name, make, reason) => {
    const result = await store.storeImage(await make(), 'kyc');

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      expect(result.reason).toMatch(/Send|Take/);
    }
    await expect(readdir(join(dataDir, 'media'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses more than 20 MB before decoding, even a valid JPEG', async () => {
    const jpeg = await solid(900, 700).jpeg().toBuffer();
    const padded = (size: number) => Buffer.concat([jpeg, Buffer.alloc(size - jpeg.length)]);

    const result = await store.storeImage(padded(MAX_BYTES + 1), 'kyc');
    expect(result).toEqual({ ok: false, reason: 'That file is too large. Send a smaller photo, at most 20 MB.' });
    expect((await store.storeImage(Buffer.alloc(MAX_BYTES + 1), 'kyc')).ok).toBe(false);
    await expect(readdir(join(dataDir, 'media'))).rejects.toThrow(/ENOENT/);

    expect((await store.storeImage(padded(MAX_BYTES), 'kyc')).ok).toBe(true);
  });
});

describe('absolutePath', () => {
  it('refuses paths that leave the media folder', () => {
    const absoluteInside = join(dataDir, 'media', 'kyc', 'a.jpg');
    for (const path of ['../../etc/passwd', '/etc/passwd', absoluteInside, 'kyc/../../secret.jpg', '..', '.', '']) {
      expect(() => store.absolutePath(path), path).toThrow(/outside the media folder/);
    }
    expect(store.absolutePath('proofs/a.jpg')).toBe(join(dataDir, 'media', 'proofs', 'a.jpg'));
  });
});

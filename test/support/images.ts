import { crc32 } from 'node:zlib';
import sharp from 'sharp';

export const GPS_MARKER = 'GPS-IFD-MARKER';

/**
 * A phone photo as it arrives: 1200×800 pixels stored sideways (left half red, right half blue) with EXIF
 * orientation 6 (rotate 90° clockwise to view) and GPS tags. Upright it is 800×1200, red on top.
 */
export async function sidewaysPhoto(): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 800, channels: 3, background: '#ff0000' } })
    .composite([{ input: { create: { width: 600, height: 800, channels: 3, background: '#0000ff' } }, left: 600, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'PhoneCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '5/1 36/1 0/1', GPSMapDatum: GPS_MARKER } })
    .toBuffer();
}

export function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: '#00ff00' } }).png().toBuffer();
}

export const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
export const TEXT_BYTES = Buffer.from('This is my ID number, honest.\n');

/** The colour at a pixel of an image, as [r, g, b]. */
export async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

/** A real 1×1 PNG whose header claims 20000×20000 pixels: a decompression bomb in 70 bytes. */
export async function pixelBomb(): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer();
  png.writeUInt32BE(20_000, 16);
  png.writeUInt32BE(20_000, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

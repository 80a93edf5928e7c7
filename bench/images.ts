// Benchmark 6: a 4000×3000 camera JPEG (sideways, with EXIF and GPS) through the KYC pipeline (checks, upright,
// metadata stripped, ≤ 2048 px, JPEG, stored 0600), against a bare sharp resize of the same image to the same size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createMediaStore } from '../src/services/platform/mediaStore.ts';

const ROUNDS = 20;

export interface ImageFigures {
  pipelineMs: number;
  bareResizeMs: number;
}

/** A photo-like 4000×3000 JPEG: smooth gradients with noise (as a sensor gives), EXIF orientation 6 and GPS. */
async function cameraJpeg(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 1;
  for (let index = 0; index < pixels.length; index += 3) {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    const x = (index / 3) % width;
    const y = Math.floor(index / 3 / width);
    const noise = (seed >> 16) % 24;
    pixels[index] = (x * 255) / width + noise;
    pixels[index + 1] = (y * 255) / height + noise;
    pixels[index + 2] = ((x + y) * 127) / (width + height) + noise;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .withExif({ IFD0: { Make: 'Tecno', Model: 'Camon 20', Orientation: '6' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '5/1 36/1 0/1' } })
    .toBuffer();
}

const middle = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;

/** The median time of each, measured round by round in turn, so a burst of load on the machine hits both alike. */
async function medians(first: () => Promise<unknown>, second: () => Promise<unknown>): Promise<[number, number]> {
  await first(); // warm-up
  await second();
  const times: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [index, work] of [first, second].entries()) {
      const started = performance.now();
      await work();
      times[index as 0 | 1].push(performance.now() - started);
    }
  }
  return [middle(times[0]), middle(times[1])];
}

export async function benchImages(log: (line: string) => void): Promise<ImageFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-images-'));
  try {
    const photo = await cameraJpeg();
    log(`camera JPEG: ${(photo.length / 1024 / 1024).toFixed(1)} MB`);
    const media = createMediaStore({ dataDir });
    const [bareResizeMs, pipelineMs] = await medians(
      () => sharp(photo).rotate().resize({ width: 2048, height: 2048, fit: 'inside' }).jpeg().toBuffer(),
      async () => {
        const stored = await media.storeImage(photo, 'kyc');
        if (!stored.ok) throw new Error(stored.reason);
      },
    );
    log(`pipeline ${pipelineMs.toFixed(0)} ms, bare resize ${bareResizeMs.toFixed(0)} ms`);
    return { pipelineMs, bareResizeMs };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(await benchImages((line) => process.stdout.write(`${line}\n`)), null, 2)}\n`);
}

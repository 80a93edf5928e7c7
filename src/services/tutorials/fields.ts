import { invalid, valid, type Checked } from '../common/validation.ts';
import { isWebUrl } from './content.ts';

export const MAX_TITLE_LENGTH = 120;
export const MAX_EXCERPT_LENGTH = 200;
/** tutorials.video_url is VARCHAR(200). */
export const MAX_VIDEO_URL_LENGTH = 200;
export const MAX_ORDER = 1_000_000;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function checkTitle(text: string): Checked<string> {
  const title = oneLine(text);
  if (title.length < 3) return invalid('Type a title of at least 3 characters, e.g. How to buy USDT with MoMo.');
  if (title.length > MAX_TITLE_LENGTH) return invalid(`That title is ${title.length} characters; keep it to ${MAX_TITLE_LENGTH}.`);
  return valid(title);
}

export function checkExcerpt(text: string): Checked<string> {
  const excerpt = oneLine(text);
  if (excerpt.length < 3) return invalid('Type a short summary of at least 3 characters.');
  if (excerpt.length > MAX_EXCERPT_LENGTH) return invalid(`That summary is ${excerpt.length} characters; keep it to ${MAX_EXCERPT_LENGTH}.`);
  return valid(excerpt);
}

export function checkVideoUrl(text: string): Checked<string> {
  const url = text.trim();
  if (!isWebUrl(url)) return invalid('That is not a web link. Paste one that starts with https://, e.g. https://www.youtube.com/watch?v=abc123');
  if (url.length > MAX_VIDEO_URL_LENGTH) return invalid(`That link is ${url.length} characters; the most is ${MAX_VIDEO_URL_LENGTH}. Use the short link the video site offers.`);
  return valid(url);
}

export function checkOrder(text: string): Checked<number> {
  const trimmed = text.trim();
  if (!/^\d{1,7}$/.test(trimmed) || Number(trimmed) > MAX_ORDER) return invalid(`Type a whole number from 0 to ${MAX_ORDER.toLocaleString('en-GB')}, e.g. 25.`);
  return valid(Number(trimmed));
}

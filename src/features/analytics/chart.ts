import { loadSharp } from '../../services/platform/sharp.ts';
import { MONEY_KINDS, type DayVolume } from '../../services/analytics/stats.ts';
import { formatCalendarDate } from '../../telegram/format.ts';
import { escapeHtml } from '../../telegram/html.ts';
import { MONEY_KIND_LABELS } from './statsText.ts';

/** The chart's size in pixels, as sent. */
export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 600;

const COLOURS = {
  buy: '#2e7d32',
  sell: '#c62828',
  deposit: '#1565c0',
  withdrawal: '#ef6c00',
  gift_card: '#6a1b9a',
  market: '#00838f',
  crypto_deposit: '#9e9d24',
  crypto_withdrawal: '#5d4037',
} as const;
const PLOT = { left: 90, right: CHART_WIDTH - 20, top: 100, bottom: CHART_HEIGHT - 50 };
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

/** The smallest 1, 2 or 5 × 10ⁿ at or above `value`: the top of the axis. */
function niceCeiling(value: number): number {
  if (value <= 0) return 100;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * magnitude >= value) ?? 10) * magnitude;
}

/** An axis label: "750", "1.5k", "2M". */
function shortAmount(value: number): string {
  if (value >= 1_000_000) return `${Number((value / 1_000_000).toFixed(1))}M`;
  if (value >= 1_000) return `${Number((value / 1_000).toFixed(1))}k`;
  return String(value);
}

const text = (x: number, y: number, body: string, attributes = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attributes}>${escapeHtml(body)}</text>`;

/**
 * Money moved per day as stacked bars, one colour per kind, with a GHS axis and a legend. Amounts become
 * JS numbers here only to place pixels; every figure shown in words comes from the exact decimals.
 */
export function volumeChartSvg(days: readonly DayVolume[]): string {
  const top = niceCeiling(Math.max(0, ...days.map((day) => Number(day.total))));
  const height = PLOT.bottom - PLOT.top;
  const slot = (PLOT.right - PLOT.left) / Math.max(days.length, 1);
  const y = (value: number) => PLOT.bottom - (value / top) * height;
  const parts: string[] = [
    `<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    text(PLOT.left, 36, `Money moved per day, last ${days.length} days (GHS, Accra time)`, 'font-size="24" font-weight="bold" fill="#212121"'),
  ];
  // The legend shares the plot's width among the kinds.
  const legendStep = Math.floor((PLOT.right - PLOT.left) / MONEY_KINDS.length);
  MONEY_KINDS.forEach((kind, index) => {
    const x = PLOT.left + index * legendStep;
    parts.push(`<rect x="${x}" y="56" width="14" height="14" fill="${COLOURS[kind]}"/>`, text(x + 19, 68, MONEY_KIND_LABELS[kind], 'font-size="14" fill="#424242"'));
  });
  for (let step = 0; step <= 4; step += 1) {
    const value = (top / 4) * step;
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e0e0e0"/>`,
      text(PLOT.left - 10, y(value) + 5, shortAmount(value), 'font-size="14" text-anchor="end" fill="#616161"'),
    );
  }
  days.forEach((day, index) => {
    const x = PLOT.left + index * slot + slot * 0.15;
    let base = 0;
    for (const kind of MONEY_KINDS) {
      const value = Number(day.byKind[kind]);
      if (value <= 0) continue;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${COLOURS[kind]}"/>`);
      base += value;
    }
    if (index % 5 === 0 || index === days.length - 1) {
      parts.push(text(x + slot * 0.35, PLOT.bottom + 24, formatCalendarDate(day.day).replace(/ \d{4}$/, ''), 'font-size="14" text-anchor="middle" fill="#616161"'));
    }
  });
  parts.push(`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#9e9e9e"/>`);
  if (days.every((day) => Number(day.total) === 0)) {
    parts.push(text((PLOT.left + PLOT.right) / 2, (PLOT.top + PLOT.bottom) / 2, 'No money moved in these days', 'font-size="22" text-anchor="middle" fill="#9e9e9e"'));
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}">${parts.join('')}</svg>`;
}

/** The chart as a PNG of CHART_WIDTH × CHART_HEIGHT, rendered by sharp. */
export async function volumeChartPng(days: readonly DayVolume[]): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(Buffer.from(volumeChartSvg(days))).png().toBuffer();
}

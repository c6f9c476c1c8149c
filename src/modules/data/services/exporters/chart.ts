/**
 * Monthly spending as a bar chart: an SVG drawn here and rasterised by @resvg/resvg-js (a Rust renderer shipped as
 * a prebuilt binary), because the native `canvas` package does not install on these machines.
 */
import { Resvg } from '@resvg/resvg-js';

export interface MonthBar {
  month: string;
  spendingMinor: number;
  incomeMinor: number;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function compact(minor: number): string {
  const major = minor / 100;
  if (major >= 1e9) return `${(major / 1e9).toFixed(1)} M`;
  if (major >= 1e6) return `${(major / 1e6).toFixed(1)} jt`;
  if (major >= 1e3) return `${(major / 1e3).toFixed(0)} rb`;
  return major.toFixed(0);
}

export function spendingChartSvg(bars: MonthBar[], width = 640, height = 280): string {
  const pad = { left: 56, right: 16, top: 28, bottom: 40 };
  const max = Math.max(1, ...bars.flatMap((b) => [b.spendingMinor, b.incomeMinor]));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.min(28, slot / 2.5);
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${pad.left}" y="18" font-family="sans-serif" font-size="13" fill="#222">Income (green) and spending (red) per month</text>`,
    `<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${width - pad.right}" y2="${pad.top + plotH}" stroke="#999"/>`,
  ];
  for (const frac of [0.5, 1]) parts.push(`<text x="4" y="${y(max * frac) + 4}" font-family="sans-serif" font-size="10" fill="#666">${esc(compact(max * frac))}</text>`);
  bars.forEach((b, i) => {
    const x = pad.left + i * slot + slot / 2;
    parts.push(`<rect x="${x - barW - 1}" y="${y(b.incomeMinor)}" width="${barW}" height="${pad.top + plotH - y(b.incomeMinor)}" fill="#2e7d32"/>`);
    parts.push(`<rect x="${x + 1}" y="${y(b.spendingMinor)}" width="${barW}" height="${pad.top + plotH - y(b.spendingMinor)}" fill="#c62828"/>`);
    parts.push(`<text x="${x}" y="${height - 22}" text-anchor="middle" font-family="sans-serif" font-size="10" fill="#333">${esc(b.month)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function renderPng(svg: string): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: 1280 }, font: { loadSystemFonts: true, defaultFontFamily: 'sans-serif' } }).render().asPng();
}

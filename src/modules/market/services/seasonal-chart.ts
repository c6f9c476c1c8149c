/**
 * The seasonal chart as a PNG the chat can send: monthly spending as stacked bars by category (the five largest,
 * the rest as "lainnya"), rainfall as a line on its own axis, rainy-season months shaded. Drawn as SVG and rendered
 * with resvg (no native canvas, which does not install everywhere).
 */
import { Resvg } from '@resvg/resvg-js';
import { currencyInfo } from './currencies.js';
import type { SeasonalAnalysis } from './seasonal-analysis.js';

const W = 960;
const H = 540;
const PAD = { left: 90, right: 70, top: 70, bottom: 90 };
const COLORS = ['#2563eb', '#16a34a', '#f59e0b', '#db2777', '#7c3aed', '#94a3b8'];
const MONTHS_ID = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Short Indonesian money labels for the axis: 1,5 jt / 250 rb. */
function shortAmount(minor: number, currency: string): string {
  const major = minor / 10 ** currencyInfo(currency).digits;
  if (major >= 1e9) return `${(major / 1e9).toFixed(1).replace('.', ',')} M`;
  if (major >= 1e6) return `${(major / 1e6).toFixed(1).replace('.', ',')} jt`;
  if (major >= 1e3) return `${Math.round(major / 1e3)} rb`;
  return String(Math.round(major));
}

export function seasonalChartSvg(analysis: SeasonalAnalysis): string {
  const { months } = analysis;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const totals = new Map<string, number>();
  for (const m of months) for (const [c, v] of Object.entries(m.byCategory)) totals.set(c, (totals.get(c) ?? 0) + v);
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c]) => c);
  const series = totals.size > top.length ? [...top, 'lainnya'] : top;
  const maxSpend = Math.max(1, ...months.map((m) => m.spendingMinor));
  const maxRain = Math.max(1, ...months.map((m) => m.rainfallMm));
  const slot = plotW / Math.max(1, months.length);
  const barW = slot * 0.62;
  const y = (v: number, max: number) => PAD.top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(`<text x="${PAD.left}" y="34" font-size="20" font-weight="bold" fill="#0f172a">${esc(`Pengeluaran vs curah hujan — ${analysis.city}`)}</text>`);
  parts.push(`<text x="${PAD.left}" y="56" font-size="13" fill="#475569">${esc(`${analysis.firstMonth} s.d. ${analysis.lastMonth} · ${analysis.currency} · area biru muda = bulan musim hujan`)}</text>`);
  months.forEach((m, i) => {
    if (m.season === 'rainy') parts.push(`<rect x="${PAD.left + i * slot}" y="${PAD.top}" width="${slot}" height="${plotH}" fill="#e0f2fe"/>`);
  });
  for (let t = 0; t <= 4; t++) {
    const v = (maxSpend * t) / 4;
    const yy = y(v, maxSpend);
    parts.push(`<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${yy}" y2="${yy}" stroke="#e2e8f0"/>`);
    parts.push(`<text x="${PAD.left - 8}" y="${yy + 4}" font-size="12" text-anchor="end" fill="#334155">${esc(shortAmount(v, analysis.currency))}</text>`);
    parts.push(`<text x="${PAD.left + plotW + 8}" y="${yy + 4}" font-size="12" fill="#0369a1">${Math.round((maxRain * t) / 4)} mm</text>`);
  }
  months.forEach((m, i) => {
    let base = 0;
    series.forEach((category, k) => {
      const value = category === 'lainnya' ? Object.entries(m.byCategory).filter(([c]) => !top.includes(c)).reduce((s, [, v]) => s + v, 0) : m.byCategory[category] ?? 0;
      if (!value) return;
      const y1 = y(base + value, maxSpend);
      const y0 = y(base, maxSpend);
      parts.push(`<rect x="${PAD.left + i * slot + (slot - barW) / 2}" y="${y1}" width="${barW}" height="${Math.max(0, y0 - y1)}" fill="${COLORS[k % COLORS.length]}"/>`);
      base += value;
    });
    const [yy, mm] = m.month.split('-');
    parts.push(`<text x="${PAD.left + i * slot + slot / 2}" y="${PAD.top + plotH + 18}" font-size="12" text-anchor="middle" fill="#334155">${MONTHS_ID[Number(mm) - 1]}</text>`);
    if (i === 0 || mm === '01') parts.push(`<text x="${PAD.left + i * slot + slot / 2}" y="${PAD.top + plotH + 34}" font-size="11" text-anchor="middle" fill="#64748b">${yy}</text>`);
  });
  const points = months.map((m, i) => `${PAD.left + i * slot + slot / 2},${y(m.rainfallMm, maxRain)}`).join(' ');
  if (months.length) {
    parts.push(`<polyline points="${points}" fill="none" stroke="#0369a1" stroke-width="3"/>`);
    months.forEach((m, i) => parts.push(`<circle cx="${PAD.left + i * slot + slot / 2}" cy="${y(m.rainfallMm, maxRain)}" r="4" fill="#0369a1"/>`));
  } else {
    parts.push(`<text x="${W / 2}" y="${H / 2}" font-size="16" text-anchor="middle" fill="#64748b">Belum ada data</text>`);
  }
  const legend = [...series.map((c, k) => ({ label: c, color: COLORS[k % COLORS.length] })), { label: 'curah hujan (mm)', color: '#0369a1' }];
  legend.forEach((item, k) => {
    const x = PAD.left + (k % 4) * 200;
    const yy = H - 36 + Math.floor(k / 4) * 18;
    parts.push(`<rect x="${x}" y="${yy - 10}" width="12" height="12" fill="${item.color}"/><text x="${x + 18}" y="${yy}" font-size="12" fill="#334155">${esc(item.label)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Arial, sans-serif">${parts.join('')}</svg>`;
}

export function seasonalChartPng(analysis: SeasonalAnalysis): Buffer {
  const resvg = new Resvg(seasonalChartSvg(analysis), { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'original' } });
  return Buffer.from(resvg.render().asPng());
}

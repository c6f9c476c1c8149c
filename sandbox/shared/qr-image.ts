/**
 * A QR payload as an <img> a phone camera or e-wallet app can scan from the /_sandbox page (an SVG data URL,
 * so the page needs no second request).
 */
import QRCode from 'qrcode';
import { escapeHtml } from './deliver.js';

export async function qrImageTag(payload: string, size = 180): Promise<string> {
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return `<img class="qr" width="${size}" height="${size}" alt="QR code: ${escapeHtml(payload.slice(0, 40))}…" title="${escapeHtml(payload)}" src="${src}">`;
}

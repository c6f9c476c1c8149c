import { describe, expect, it } from 'vitest';
import { renderTerminal } from './render.js';

describe('terminal rendering', () => {
  it('numbers buttons across replies, aligns tables and hands back images to save', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const out = renderTerminal([
      {
        visibility: 'private',
        blocks: [
          { type: 'heading', text: 'Konfirmasi pembayaran' },
          { type: 'table', columns: ['Tgl', 'Jumlah'], rows: [['12/03', 'Rp1.500,00']], align: ['left', 'right'] },
          { type: 'buttons', buttons: [{ label: 'Konfirmasi', token: 'sw:a:0' }, { label: 'Batal', token: 'sw:a:1' }] },
        ],
      },
      { visibility: 'private', blocks: [{ type: 'image', filename: 'qris.png', caption: 'Pindai', dataBase64: png.toString('base64') }] },
    ]);
    expect(out.buttons).toEqual(['sw:a:0', 'sw:a:1']);
    expect(out.text).toContain('[1] Konfirmasi   [2] Batal');
    expect(out.text).toContain('12/03  Rp1.500,00');
    expect(out.files).toEqual([{ filename: 'qris.png', data: png }]);
  });
});

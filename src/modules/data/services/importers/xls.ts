/**
 * Excel 97-2003 `.xls` (BIFF in an OLE compound file). The only npm reader, `xlsx` 0.18.5, is frozen with known
 * advisories and no maintained alternative exists, so such files are refused with what to do instead.
 */
import { StatementFileError } from '../model.js';

/** OLE2 compound-file signature D0 CF 11 E0 A1 B1 1A E1. */
export function isOleCompoundFile(head: Buffer): boolean {
  return head.length >= 8 && head.readUInt32BE(0) === 0xd0cf11e0 && head.readUInt32BE(4) === 0xa1b11ae1;
}

export function refuseXls(): never {
  throw new StatementFileError(
    'UNSUPPORTED_MEDIA_TYPE',
    'Old Excel (.xls) files cannot be read safely. Open the file in Excel, LibreOffice or Google Sheets and save it as .xlsx or .csv, then upload that.',
    { format: 'xls' },
  );
}

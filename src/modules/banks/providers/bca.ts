/**
 * BCA over SNAP BI. Facts from BCA's developer docs (via the shared reference): prefix /openapi, KlikBCA Bisnis
 * CHANNEL-ID 95051, X-PARTNER-ID is the corporate id, balance `accountInfos` as a single object, statement serves
 * the current working day, remarks are 36 characters = two 18-character halves. No transaction id in detailData,
 * so the ledger's content fingerprint dedupes BCA rows. Paging fields are our assumption.
 */
import { pageNumberPaging, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const bcaProfile: SnapBankProfile = {
  code: 'BCA',
  name: 'Bank Central Asia',
  paths: snapPaths('/openapi'),
  channelId: '95051',
  statementPageSize: 50,
  statementPageRequest: pageNumberPaging({ page: 'pageNumber', size: 'pageSize' }),
  maxStatementDays: 1,
  // "TRSF E-BANKING DB " + "0112/FTSCY/WS95051": the halves are space-padded to 18 characters each.
  description: (entry) => {
    const remark = entry.remark ?? '';
    const halves = remark.length > 18 ? [remark.slice(0, 18), remark.slice(18)] : [remark];
    return halves.map((h) => h.trim()).filter(Boolean).join(' ');
  },
  entryId: () => undefined,
  coverage: {
    accountTypes: 'Corporate (KlikBCA Bisnis / BCA API) current and savings accounts owned by the partner or its corporate clients',
    retailAlternative: 'Tahapan/Xpresi retail accounts: import the KlikBCA "Mutasi Rekening" CSV or the myBCA PDF e-statement',
    sources: 'BCA developer docs (SNAP Balance Inquiry, Bank Statement)',
  },
  consent: 'otp',
};

/**
 * Bank Mandiri over SNAP BI. Mandiri's partner docs are not public; the ASPI paths under /openapi, the channel id,
 * the paging fields and the `referenceNumber` id are our assumption, kept here so a correction is one file.
 */
import { idFrom, pageNumberPaging, plainRemark, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const mandiriProfile: SnapBankProfile = {
  code: 'MANDIRI',
  name: 'Bank Mandiri',
  paths: snapPaths('/openapi'),
  channelId: '95231',
  statementPageSize: 50,
  statementPageRequest: pageNumberPaging({ page: 'page', size: 'pageSize' }),
  maxStatementDays: 7,
  description: plainRemark,
  entryId: idFrom('referenceNumber', 'transactionId'),
  coverage: {
    accountTypes: 'Giro and savings accounts registered to Mandiri Cash Management (MCM) / Kopra partners',
    retailAlternative: "Livin' by Mandiri retail accounts: import the e-statement (Excel/PDF) or the MCM CSV",
    sources: 'ASPI SNAP standard; Mandiri-specific fields not publicly documented (assumed)',
  },
  // Binding consent on the bank's own page (redirect, then an auth code): our assumption, see the README.
  consent: 'redirect',
};

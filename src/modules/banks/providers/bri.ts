/**
 * BRI over SNAP BI. From developers.bri.co.id (via the shared reference): prefix /snap, balance v1.0, bank
 * statement published under v1.1, `accountInfos` an array, statement best read ≥ 15 min after a transaction.
 * BRI gives a transaction id per entry. The continuation key and window length are our assumption.
 */
import { continuationKeyPaging, idFrom, plainRemark, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const briProfile: SnapBankProfile = {
  code: 'BRI',
  name: 'Bank Rakyat Indonesia',
  paths: snapPaths('/snap', { statement: '/snap/v1.1/bank-statement' }),
  channelId: '95221',
  statementPageSize: 100,
  statementPageRequest: continuationKeyPaging({ answerKey: 'nextPageKey', requestKey: 'pageKey', size: 'limit' }),
  maxStatementDays: 31,
  description: plainRemark,
  entryId: idFrom('transactionId'),
  coverage: {
    accountTypes: 'Business giro and savings accounts of BRI API partners (Qlola / corporate)',
    retailAlternative: 'BRImo / Simpedes retail accounts: import the BRI e-statement CSV (IBBIZ/Qlola) or PDF',
    sources: 'BRI developers portal (Balance Inquiry SNAP BI, Bank Statement SNAP BI)',
  },
  consent: 'otp',
};

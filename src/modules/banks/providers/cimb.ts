/**
 * CIMB Niaga over SNAP BI. Public partner docs were not found: the /api prefix, channel id, continuation key and
 * `type` spelled C/D are our assumption (the client reads C/D and CREDIT/DEBIT alike).
 */
import { continuationKeyPaging, idFrom, plainRemark, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const cimbProfile: SnapBankProfile = {
  code: 'CIMB',
  name: 'CIMB Niaga',
  paths: snapPaths('/api'),
  channelId: '95251',
  statementPageSize: 40,
  statementPageRequest: continuationKeyPaging({ answerKey: 'nextCursor', requestKey: 'cursor', size: 'pageSize' }),
  maxStatementDays: 30,
  description: plainRemark,
  entryId: idFrom('transactionId', 'referenceNo'),
  coverage: {
    accountTypes: 'Business accounts of BizChannel@CIMB / API partners',
    retailAlternative: 'OCTO retail accounts: PDF statements (2022 bilingual and 2024 English layouts) via import',
    sources: 'ASPI SNAP standard; CIMB-specific fields not publicly documented (assumed)',
  },
  // Binding consent on the bank's own page (redirect, then an auth code): our assumption, see the README.
  consent: 'redirect',
};

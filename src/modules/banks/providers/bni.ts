/**
 * BNI over SNAP BI. Public BNI partner docs were not found: ASPI paths with no prefix, channel id, page fields and
 * a 1-day window are our assumption. BNI entries carry `transactionId` in our simulator.
 */
import { idFrom, pageNumberPaging, plainRemark, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const bniProfile: SnapBankProfile = {
  code: 'BNI',
  name: 'Bank Negara Indonesia',
  paths: snapPaths(''),
  channelId: '95241',
  statementPageSize: 25,
  statementPageRequest: pageNumberPaging({ page: 'pageNumber', size: 'recordPerPage' }),
  maxStatementDays: 1,
  description: plainRemark,
  entryId: idFrom('transactionId'),
  coverage: {
    accountTypes: 'Corporate accounts of BNI Direct / API partners',
    retailAlternative: 'BNI Mobile / wondr retail accounts: PDF e-statement only (import via a generic CSV)',
    sources: 'ASPI SNAP standard; BNI-specific fields not publicly documented (assumed)',
  },
  consent: 'otp',
};

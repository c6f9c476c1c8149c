/**
 * Danamon over SNAP BI. Public partner docs were not found: the /snap-bi prefix, channel id, page fields and the
 * absence of a per-entry id are our assumption (rows dedupe by content fingerprint like BCA's).
 */
import { pageNumberPaging, plainRemark, snapPaths } from './snap/profile-kit.js';
import type { SnapBankProfile } from './snap/types.js';

export const danamonProfile: SnapBankProfile = {
  code: 'DANAMON',
  name: 'Bank Danamon',
  paths: snapPaths('/snap-bi'),
  channelId: '95261',
  statementPageSize: 30,
  statementPageRequest: pageNumberPaging({ page: 'pageNo', size: 'pageSize' }),
  maxStatementDays: 7,
  description: plainRemark,
  entryId: () => undefined,
  coverage: {
    accountTypes: 'Corporate accounts of Danamon Cash Connect / API partners',
    retailAlternative: 'D-Bank PRO retail accounts: PDF e-statement via import',
    sources: 'ASPI SNAP standard; Danamon-specific fields not publicly documented (assumed)',
  },
  consent: 'otp',
};

/**
 * How each simulated bank behaves on the wire. Deliberately the simulator's own table, not the hub's profiles: the
 * simulator judges the adapters, so a wrong path or channel id in an adapter fails here instead of agreeing with
 * itself. BCA and BRI facts come from their developer docs (see the shared reference); the rest is our assumption.
 */
export type SimBankCode = 'BCA' | 'MANDIRI' | 'BNI' | 'BRI' | 'CIMB' | 'DANAMON';
export const SIM_BANKS: SimBankCode[] = ['BCA', 'MANDIRI', 'BNI', 'BRI', 'CIMB', 'DANAMON'];

export interface SimBankBehaviour {
  prefix: string;
  statementPath: string;
  channelId: string;
  accountInfos: 'object' | 'array';
  paging: { kind: 'page'; page: string; size: string } | { kind: 'key'; answerKey: string; requestKey: string; size: string };
  /** Field carrying the entry id in detailData, or none (BCA, Danamon). */
  idField?: string;
  /** CREDIT/DEBIT or C/D. */
  typeSpelling: 'word' | 'letter';
  /** BCA prints 36-character remarks made of two 18-character halves and an `endAmount`; others a plain remark. */
  remarkStyle: 'bca36' | 'plain';
  /** How many days one statement request may span. */
  maxDays: number;
  /**
   * How the bank asks its holder to consent to an account binding: an OTP the hub relays, or its own web page the
   * holder is redirected to, which sends them back to the hub with an auth code. Our assumption for every bank.
   */
  consent: 'otp' | 'redirect';
}

export const SIM_BANK_BEHAVIOUR: Record<SimBankCode, SimBankBehaviour> = {
  BCA: { prefix: '/openapi', statementPath: '/openapi/v1.0/bank-statement', channelId: '95051', accountInfos: 'object', paging: { kind: 'page', page: 'pageNumber', size: 'pageSize' }, typeSpelling: 'word', remarkStyle: 'bca36', maxDays: 1, consent: 'otp' },
  BRI: { prefix: '/snap', statementPath: '/snap/v1.1/bank-statement', channelId: '95221', accountInfos: 'array', paging: { kind: 'key', answerKey: 'nextPageKey', requestKey: 'pageKey', size: 'limit' }, idField: 'transactionId', typeSpelling: 'word', remarkStyle: 'plain', maxDays: 31, consent: 'otp' },
  MANDIRI: { prefix: '/openapi', statementPath: '/openapi/v1.0/bank-statement', channelId: '95231', accountInfos: 'array', paging: { kind: 'page', page: 'page', size: 'pageSize' }, idField: 'referenceNumber', typeSpelling: 'word', remarkStyle: 'plain', maxDays: 7, consent: 'redirect' },
  BNI: { prefix: '', statementPath: '/v1.0/bank-statement', channelId: '95241', accountInfos: 'array', paging: { kind: 'page', page: 'pageNumber', size: 'recordPerPage' }, idField: 'transactionId', typeSpelling: 'word', remarkStyle: 'plain', maxDays: 1, consent: 'otp' },
  CIMB: { prefix: '/api', statementPath: '/api/v1.0/bank-statement', channelId: '95251', accountInfos: 'array', paging: { kind: 'key', answerKey: 'nextCursor', requestKey: 'cursor', size: 'pageSize' }, idField: 'transactionId', typeSpelling: 'letter', remarkStyle: 'plain', maxDays: 30, consent: 'redirect' },
  DANAMON: { prefix: '/snap-bi', statementPath: '/snap-bi/v1.0/bank-statement', channelId: '95261', accountInfos: 'array', paging: { kind: 'page', page: 'pageNo', size: 'pageSize' }, typeSpelling: 'word', remarkStyle: 'plain', maxDays: 7, consent: 'otp' },
};

/**
 * A QRIS payload as the EMV merchant-presented QR standard lays it out (tag-length-value, CRC-16/CCITT-FALSE in
 * tag 63), so wallets' test tools and QR libraries read it as a real one.
 */
function tlv(tag: string, value: string): string {
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

export function crc16(payload: string): string {
  let crc = 0xffff;
  for (let i = 0; i < payload.length; i++) {
    crc ^= payload.charCodeAt(i) << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

export function qrisString(options: { merchantName: string; city?: string; amountWhole: number; reference: string; acquirerDomain?: string }): string {
  const merchantAccount = tlv('00', options.acquirerDomain ?? 'ID.CO.QRIS.WWW') + tlv('01', '936009140000000000') + tlv('02', 'ID1020000000000') + tlv('03', 'UMI');
  const body =
    tlv('00', '01') +
    tlv('01', '12') + // dynamic QR: one payment
    tlv('26', merchantAccount) +
    tlv('52', '5999') +
    tlv('53', '360') + // IDR
    tlv('54', String(options.amountWhole)) +
    tlv('58', 'ID') +
    tlv('59', options.merchantName.slice(0, 25)) +
    tlv('60', (options.city ?? 'JAKARTA').slice(0, 15)) +
    tlv('62', tlv('01', options.reference.slice(0, 25)));
  const withCrcTag = `${body}6304`;
  return withCrcTag + crc16(withCrcTag);
}

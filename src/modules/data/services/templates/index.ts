/** Every bank template, most specific first: when two score alike, the earlier one wins. */
import { bcaEstatementPdf, klikbcaBisnis, klikbcaEn, klikbcaId } from './bca.js';
import { bri } from './bri.js';
import { genericTemplate } from './generic.js';
import { mandiriLivin, mandiriMcm } from './mandiri.js';
import { bni, cimbNiaga, danamon } from './others.js';
import type { StatementTemplate } from './template.js';

export const BANK_TEMPLATES: StatementTemplate[] = [klikbcaId, klikbcaEn, klikbcaBisnis, bcaEstatementPdf, mandiriMcm, mandiriLivin, bri, bni, cimbNiaga, danamon];
export const ALL_TEMPLATES: StatementTemplate[] = [...BANK_TEMPLATES, genericTemplate];

export function templateById(id: string): StatementTemplate | undefined {
  return ALL_TEMPLATES.find((t) => t.id === id);
}

export type { StatementTemplate } from './template.js';

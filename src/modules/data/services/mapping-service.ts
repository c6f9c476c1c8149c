/**
 * Saved per-user column mappings: create, list, delete, and resolve one for validate/import (`mappingId`).
 */
import { Types } from 'mongoose';
import type { ModuleDeps } from '../../contract.js';
import type { Actor } from '../../../services/actor.js';
import { AppError, isDuplicateKeyError, notFound } from '../../../lib/errors.js';
import { toJakartaIso } from '../../../lib/time.js';
import { mappingSchema, type Mapping } from './templates/generic.js';

const MAX_MAPPINGS_PER_USER = 100;

export class MappingService {
  constructor(private readonly deps: Pick<ModuleDeps, 'models' | 'audit'>) {}

  async create(actor: Actor, input: { name: string; mapping: Mapping }) {
    const { ImportMapping } = this.deps.models;
    if ((await ImportMapping.countDocuments({ userId: actor.userId })) >= MAX_MAPPINGS_PER_USER) {
      throw new AppError('CONFLICT', `at most ${MAX_MAPPINGS_PER_USER} saved mappings per user; delete one first`);
    }
    try {
      const doc = await ImportMapping.create({ userId: actor.userId, name: input.name, mapping: input.mapping });
      await this.deps.audit.record({ actor, action: 'data.mapping.create', target: { type: 'importMapping', id: String(doc._id) } });
      return this.view(doc.toObject());
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new AppError('CONFLICT', `a mapping named "${input.name}" already exists`);
      throw err;
    }
  }

  async list(actor: Actor) {
    const docs = await this.deps.models.ImportMapping.find({ userId: actor.userId }).sort({ name: 1 }).lean();
    return docs.map((d) => this.view(d));
  }

  async remove(actor: Actor, id: string): Promise<void> {
    if (!Types.ObjectId.isValid(id)) throw notFound('mapping');
    const res = await this.deps.models.ImportMapping.deleteOne({ _id: id, userId: actor.userId });
    if (!res.deletedCount) throw notFound('mapping');
    await this.deps.audit.record({ actor, action: 'data.mapping.delete', target: { type: 'importMapping', id } });
  }

  /** The stored mapping, checked again (a mapping saved by an older version must still be one this parser takes). */
  async mappingOf(actor: Actor, id: string): Promise<Mapping> {
    if (!Types.ObjectId.isValid(id)) throw notFound('mapping');
    const doc = await this.deps.models.ImportMapping.findOne({ _id: id, userId: actor.userId }).lean();
    if (!doc) throw notFound('mapping');
    const parsed = mappingSchema.safeParse(doc.mapping);
    if (!parsed.success) throw new AppError('UNPROCESSABLE', `saved mapping "${doc.name}" is no longer valid: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private view(d: { _id: Types.ObjectId; name: string; mapping: Record<string, unknown>; createdAt: Date }) {
    return { id: String(d._id), name: d.name, mapping: d.mapping, createdAt: toJakartaIso(d.createdAt) };
  }
}

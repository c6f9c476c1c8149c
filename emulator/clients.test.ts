/**
 * The two clients the project depends on, unmodified: mongoose 9 models and Agenda 6 jobs.
 */
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ logger: () => {} });
});
afterAll(async () => emulator?.stop());

describe('mongoose 9', () => {
  it('runs models with populate, upserts, aggregation, cursors and syncIndexes', async () => {
    const conn = await mongoose.createConnection(emulator.uri, { dbName: 'mongoose_suite' }).asPromise();
    try {
      const Author = conn.model('Author', new mongoose.Schema({ name: { type: String, unique: true } }));
      const Book = conn.model('Book', new mongoose.Schema({ title: String, author: { type: mongoose.Schema.Types.ObjectId, ref: 'Author' }, copies: Number, tags: [String] }, { timestamps: true }));
      await Author.init();
      await Book.init();
      const pram = await Author.create({ name: 'Pramoedya' });
      await Book.insertMany([
        { title: 'Bumi Manusia', author: pram._id, copies: 3, tags: ['novel'] },
        { title: 'Anak Semua Bangsa', author: pram._id, copies: 1, tags: ['novel'] },
      ]);
      const populated = await Book.findOne({ title: 'Bumi Manusia' }).populate<{ author: { name: string } }>('author').lean();
      expect(populated!.author.name).toBe('Pramoedya');
      await Book.updateOne({ title: 'Bumi Manusia' }, { $inc: { copies: 2 }, $push: { tags: 'classic' } });
      const updated = await Book.findOneAndUpdate({ title: 'Jejak Langkah' }, { $setOnInsert: { copies: 7, author: pram._id } }, { upsert: true, returnDocument: 'after' }).lean();
      expect(updated!.copies).toBe(7);
      const totals = await Book.aggregate([{ $group: { _id: '$author', copies: { $sum: '$copies' }, n: { $sum: 1 } } }]);
      expect(totals).toEqual([{ _id: pram._id, copies: 13, n: 3 }]);
      let seen = 0;
      for await (const _ of Book.find().sort({ title: 1 }).batchSize(1).cursor()) seen++;
      expect(seen).toBe(3);
      expect(await Book.countDocuments({ tags: 'classic' })).toBe(1);
      expect((await Book.distinct('title')).length).toBe(3);
      await Author.syncIndexes();
      expect((await Author.listIndexes()).map((i: { name: string }) => i.name).sort()).toEqual(['_id_', 'name_1']);
      await Book.deleteMany({ copies: { $lt: 5 } });
      expect(await Book.countDocuments()).toBe(2);
    } finally {
      await conn.dropDatabase();
      await conn.close();
    }
  });
});

describe('agenda 6', () => {
  it('runs a now() job, an every() job and a unique insertOnly job once', async () => {
    const client = await new MongoClient(emulator.uri).connect();
    const agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db('agenda_suite') }), processEvery: 100 });
    const runs: Record<string, number> = { now: 0, every: 0, unique: 0 };
    agenda.define('now-job', async () => void runs.now++);
    agenda.define('every-job', async () => void runs.every++);
    agenda.define('unique-job', async () => void runs.unique++);
    try {
      await agenda.start();
      await agenda.now('now-job', { a: 1 });
      await agenda.every('1 second', 'every-job');
      for (let i = 0; i < 3; i++) {
        await agenda.create('unique-job', { key: 'k' }).unique({ 'data.key': 'k' }, { insertOnly: true }).schedule(new Date()).save();
      }
      await new Promise((r) => setTimeout(r, 2600));
      expect(runs.now).toBe(1);
      expect(runs.every).toBeGreaterThanOrEqual(2);
      expect(runs.unique).toBe(1);
      expect(await client.db('agenda_suite').collection('agendaJobs').countDocuments({ name: 'unique-job' })).toBe(1);
      expect(await agenda.cancel({ name: 'every-job' })).toBe(1);
    } finally {
      await agenda.stop();
      await client.close();
    }
  });
});

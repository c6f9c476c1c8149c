/**
 * Gives every query, count and aggregate on a connection a server-side time limit (maxTimeMS) unless it sets its
 * own, so a database that is slow (not hung) answers MaxTimeMSExpired instead of holding a request for minutes.
 * Writes are left alone: the update and delete commands take no maxTimeMS, and a hung server is caught by the
 * driver's monitor (see limits.ts). Applied per connection, never to the global mongoose.
 */
import type { Aggregate, MongooseQueryMiddleware, Query, Schema } from 'mongoose';
import { OPERATION_MAX_TIME_MS } from './limits.js';

const BOUNDED_QUERIES: MongooseQueryMiddleware[] = ['find', 'findOne', 'countDocuments', 'estimatedDocumentCount', 'distinct', 'findOneAndUpdate', 'findOneAndDelete', 'findOneAndReplace'];

export function maxTimePlugin(defaultMs = OPERATION_MAX_TIME_MS) {
  return (schema: Schema) => {
    schema.pre(BOUNDED_QUERIES, function (this: Query<unknown, unknown>) {
      if (this.getOptions().maxTimeMS === undefined) this.maxTimeMS(defaultMs);
    });
    schema.pre('aggregate', function (this: Aggregate<unknown>) {
      if (this.options.maxTimeMS === undefined) this.option({ maxTimeMS: defaultMs });
    });
  };
}

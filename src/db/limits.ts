/**
 * How long the hub waits for MongoDB, per operation (issue 16 §2). A hung database (a process that accepts
 * connections but never answers) must turn into a 503 within about ten seconds, not a request that hangs for the
 * whole outage; yet a long analytics query or a streamed export on a healthy server must not be cut. So the bound
 * is on each database operation, never on the whole request:
 *
 * - The driver's monitor asks the server "hello" every `heartbeatFrequencyMS` on its own connection and gives up
 *   after `connectTimeoutMS`. A server that stops answering is marked unknown within about five seconds; the
 *   driver then interrupts the operations in flight on its pool, and new ones fail server selection after
 *   `serverSelectionTimeoutMS`. Together about 7–10 s from the moment the server hangs. A healthy server answers
 *   the monitor however busy its other connections are, so a long query is never cut by this.
 * - `maxTimeMS` (the server stops an operation and answers code 50, MaxTimeMSExpired): every query, count and
 *   aggregate on the shared connection gets OPERATION_MAX_TIME_MS unless it sets its own; analytics set
 *   LONG_QUERY_MAX_TIME_MS; streamed exports set NO_MAX_TIME (a cursor's maxTimeMS counts the whole stream).
 * - `socketTimeoutMS` is the backstop for a connection that stalls while the monitor's does not; it is longer than
 *   the longest maxTimeMS so it never cuts a query the server is still allowed to run.
 * - `waitQueueTimeoutMS` bounds the wait for a free pooled connection when all are busy.
 */
export const DATABASE_TIMEOUTS = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 3_000,
  heartbeatFrequencyMS: 2_000,
  socketTimeoutMS: 90_000,
  waitQueueTimeoutMS: 5_000,
} as const;

/** The default server-side limit of one query, count or aggregate. */
export const OPERATION_MAX_TIME_MS = 8_000;
/** Analytics over a user's whole history (one aggregate). */
export const LONG_QUERY_MAX_TIME_MS = 60_000;
/** For a cursor streamed to a client: its batches are still bounded by the socket timeout, the stream as a whole is not. */
export const NO_MAX_TIME = 0;

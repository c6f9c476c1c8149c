/**
 * The TCP server: frames messages per connection, runs each command against the shared store, and never lets a
 * bad message or a failing handler take the socket (or the process) down.
 */
import net from 'node:net';
import { Long, type Document } from 'bson';
import { runCommand, type CursorState, type ServerContext, type SessionRecord } from './commands.js';
import type { Store } from './store.js';
import { encodeReply, parseMessage } from './wire.js';

const MAX_MESSAGE = 48_000_000;

interface PendingReply {
  /** Set once the reply is ready. */
  encoded?: Buffer;
}
/** mongod's default cursorTimeoutMillis: a cursor nobody asked for more of in 10 minutes is closed. */
const CURSOR_IDLE_MS = 10 * 60_000;

export class EmulatorServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private cursorCounter = 1n;
  /** Open cursors of every connection: the driver may send a getMore on any connection of its pool. */
  private readonly cursors = new Map<string, CursorState>();
  /** Logical sessions seen, server-wide like mongod's cache (for $listLocalSessions). */
  private readonly sessions = new Map<string, SessionRecord>();
  private connections = 0;
  private readonly startedAt = new Date();
  private ttlTimer?: NodeJS.Timeout;
  /**
   * Per connection, the replies from the first one still waiting (for its fsync) on: they go out in order, each as
   * soon as it and every one before it is ready.
   */
  private readonly replyQueues = new Map<net.Socket, PendingReply[]>();

  constructor(private readonly store: Store, private readonly log: (message: string) => void) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as net.AddressInfo).port));
      this.ttlTimer = setInterval(() => {
        this.sweepExpired();
        this.closeIdleCursors();
      }, 60_000);
      this.ttlTimer.unref();
    });
  }

  async close(): Promise<void> {
    if (this.ttlTimer) clearInterval(this.ttlTimer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const connectionId = ++this.connections;
    const ctx: ServerContext = {
      store: this.store,
      cursors: this.cursors,
      sessions: this.sessions,
      connectionId,
      startedAt: this.startedAt,
      nextCursorId: () => Long.fromBigInt(this.cursorCounter++),
    };
    // Chunks are collected and joined once per message: joining on every chunk is quadratic for a large message.
    let chunks: Buffer[] = [];
    let bytes = 0;
    let expected = 0;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      while (bytes >= 4) {
        if (!expected) {
          if (chunks[0].length < 4) chunks = [Buffer.concat(chunks)];
          expected = chunks[0].readInt32LE(0);
          if (expected < 16 || expected > MAX_MESSAGE) {
            this.log(`emulator: dropping a connection that sent a bad message length (${expected})`);
            socket.destroy();
            return;
          }
        }
        if (bytes < expected) break;
        const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
        const message = all.subarray(0, expected);
        const remainder = all.subarray(expected);
        chunks = remainder.length ? [remainder] : [];
        bytes = remainder.length;
        expected = 0;
        this.handle(socket, message, ctx);
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.replyQueues.delete(socket);
    });
  }

  private handle(socket: net.Socket, message: Buffer, ctx: ServerContext): void {
    let parsed;
    try {
      parsed = parseMessage(message);
    } catch (err) {
      this.log(`emulator: unreadable message (${(err as Error).message}); closing the connection`);
      socket.destroy();
      return;
    }
    const request = parsed;
    const encode = (reply: Document): Buffer => {
      try {
        return encodeReply(request, reply);
      } catch (err) {
        // e.g. a reply over 16 MB: report it as an error instead of crashing on serialisation.
        return encodeReply(request, { ok: 0, errmsg: `reply could not be encoded: ${(err as Error).message}`, code: 10334, codeName: 'BSONObjectTooLarge' });
      }
    };
    // A write's reply waits for the fsync that covers it (or, when the journal fails at once, comes back before
    // runCommand does); replies on one connection still go out in order.
    let slot: PendingReply | undefined;
    let early: Document | undefined;
    const reply =
      runCommand(request.command, ctx, request.raw, (late) => {
        if (!slot) early = late;
        else {
          slot.encoded = encode(late);
          this.sendReady(socket);
        }
      }) ?? early;
    if (request.moreToCome) return;
    const queue = this.replyQueues.get(socket);
    if (reply && !queue) {
      if (!socket.destroyed) socket.write(encode(reply));
      return;
    }
    slot = reply ? { encoded: encode(reply) } : {};
    if (queue) queue.push(slot);
    else this.replyQueues.set(socket, [slot]);
    if (reply) this.sendReady(socket);
  }

  /** Sends the connection's replies that are ready, in order, up to the first one still waiting. */
  private sendReady(socket: net.Socket): void {
    const queue = this.replyQueues.get(socket);
    if (!queue) return;
    let n = 0;
    while (n < queue.length && queue[n].encoded) {
      if (!socket.destroyed) socket.write(queue[n].encoded!);
      n++;
    }
    if (n === queue.length) this.replyQueues.delete(socket);
    else if (n) queue.splice(0, n);
  }

  private closeIdleCursors(): void {
    const cutoff = Date.now() - CURSOR_IDLE_MS;
    for (const [id, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(id);
    // Sessions expire after logicalSessionTimeoutMinutes (30) unused, as the hello reply advertises.
    const sessionCutoff = Date.now() - 30 * 60_000;
    for (const [id, session] of this.sessions) if (session.lastUse.getTime() < sessionCutoff) this.sessions.delete(id);
  }

  /** TTL indexes: removes documents whose indexed date is older than expireAfterSeconds (mongod sweeps every 60 s too). */
  private sweepExpired(): void {
    if (this.store.failure) return;
    const now = Date.now();
    for (const collections of this.store.dbs.values()) {
      for (const coll of collections.values()) {
        for (const spec of coll.indexSpecs()) {
          if (typeof spec.expireAfterSeconds !== 'number') continue;
          const field = Object.keys(spec.key)[0];
          for (const doc of [...coll.docs.values()]) {
            const value = doc[field];
            const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
            if (dates.length && Math.min(...dates.map((d) => d.getTime())) + spec.expireAfterSeconds * 1000 < now) this.store.remove(coll, doc);
          }
        }
      }
    }
    try {
      this.store.commit()?.catch((err: Error) => this.log(`emulator: ${err.message}`));
    } catch (err) {
      this.log(`emulator: ${(err as Error).message}`);
    }
  }
}

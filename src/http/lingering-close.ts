/**
 * Lingering close (RFC 9112 §9.6) for connections the server closes while the client may still be sending.
 *
 * The hub answers some requests before reading their whole body — a webhook body past its byte limit, an /api body
 * past its size — with `Connection: close`. Node then closes the socket as soon as the answer is written. If the
 * client's unread bytes are still arriving, the kernel answers them with a TCP reset, and a reset can overtake the
 * answer: the client sees EPIPE / ECONNRESET instead of the 413 (it happened under load, both in tests and, as the
 * RFC warns, for real senders). So the server closes in stages instead: it half-closes (its answer and FIN go out),
 * keeps the connection open for the client to read the answer and stop, and closes fully when the client closes its
 * side or after a bounded linger.
 */
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/** How long a half-closed connection waits for the client to close its side before it is closed anyway. */
export const LINGER_MS = 2000;

export function lingerOnClose(server: EventEmitter, lingerMs = LINGER_MS): void {
  // Plain HTTP/1.1 sockets (an HTTP/2 server has no destroySoon to replace and is left alone).
  server.on('connection', (socket: Socket) => {
    const withDestroySoon = socket as Socket & { destroySoon?: () => void };
    // Node's HTTP server calls destroySoon() after the last response on a `Connection: close` connection.
    if (typeof withDestroySoon.destroySoon !== 'function') return;
    let lingering = false;
    withDestroySoon.destroySoon = function lingeringClose(this: Socket) {
      if (lingering || this.destroyed) return;
      lingering = true;
      // Half-close: the answer (already written) and then FIN; the read side stays open.
      if (this.writable) this.end();
      const timer = setTimeout(() => this.destroy(), lingerMs);
      timer.unref();
      this.once('close', () => clearTimeout(timer));
      // The client closing its side ends the linger; whatever else it still sends is read and dropped.
      this.once('end', () => this.destroy());
      this.on('error', () => this.destroy());
      this.resume();
    };
  });
}

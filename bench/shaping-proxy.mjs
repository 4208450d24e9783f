// A TCP proxy that makes loopback look like a WAN link, for `npm run bench -- --wan`: a fixed
// one-way delay each way, a bandwidth cap each way shared by every connection, one round trip
// before a new connection's first byte moves (its TCP handshake), and counts of what crossed it —
// TCP connections, and TLS handshakes told full from resumed by peeking at the first handshake
// record each way. Plain node:net; it never decrypts anything.
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The link's shape.
 * @typedef {object} LinkShape
 * @property {number} oneWayDelayMs Propagation delay each way (the RTT is twice it).
 * @property {number} bitsPerSecond The cap each way, shared by all connections.
 * @property {number} [windowBytes] The most one connection may have in the link at once (its TCP
 *   window): its sender is paused above it, resumed below half of it. Default 1 MiB, over twice
 *   the bandwidth-delay product of 100 Mbit/s × 40 ms, so that one connection can fill the link.
 */

/**
 * What crossed the proxy since the last reset.
 * @typedef {object} ProxyStats
 * @property {number} connections TCP connections accepted.
 * @property {number} clientHellos TLS ClientHellos (one per TLS handshake).
 * @property {number} pskOffered ClientHellos offering a session to resume (TLS 1.3 pre_shared_key,
 *   or a TLS 1.2 session id or ticket).
 * @property {number} fullHandshakes Handshakes whose ServerHello took no session: a certificate,
 *   and key exchange from scratch.
 * @property {number} resumedHandshakes Handshakes whose ServerHello resumed a session (TLS 1.3:
 *   pre_shared_key in it; TLS 1.2: the ClientHello's session id echoed).
 * @property {number} bytesUp Client to server, TLS and TCP payload (no TCP/IP headers).
 * @property {number} bytesDown Server to client.
 */

/**
 * Bytes that reached the far side of the link, for working out when an exchange ended.
 * @typedef {object} TraceEvent
 * @property {'accept' | 'up' | 'down' | 'full' | 'resumed'} kind A new connection, bytes
 *   delivered each way, or a ServerHello that began a full or a resumed TLS handshake.
 * @property {number} receivedAt When the proxy read them (performance.now() ms): for `up`, the
 *   moment the client sent them; for `down`, the moment the server did.
 * @property {number} deliveredAt When they reached the other end, after the delay and the cap.
 * @property {number} bytes
 */

/**
 * A running proxy.
 * @typedef {object} ShapingProxy
 * @property {number} port The port on 127.0.0.1 it listens on.
 * @property {() => ProxyStats} stats
 * @property {() => void} reset Zeroes the stats and the trace.
 * @property {(on: boolean) => void} trace Records a {@link TraceEvent} per delivery while on.
 * @property {() => TraceEvent[]} events The trace since the last reset.
 * @property {() => Promise<void>} close Stops listening and drops every connection.
 */

/** TLS: a handshake record, and the handshake messages and extensions told apart here. */
const TLS = {
  handshake: 0x16,
  clientHello: 1,
  serverHello: 2,
  sessionTicketExt: 35,
  preSharedKeyExt: 41,
  supportedVersionsExt: 43,
};

/**
 * One direction of the link: a FIFO that transmits at the cap, then delivers after the delay. One
 * queue and one timer keep every connection's bytes in order.
 */
class Link {
  /**
   * @param {number} bytesPerMs
   * @param {number} delayMs
   */
  constructor(bytesPerMs, delayMs) {
    this.bytesPerMs = bytesPerMs;
    this.delayMs = delayMs;
    /** When the link is free to start transmitting the next chunk. */
    this.freeAt = 0;
    /** @type {{ at: number, deliver: () => void }[]} */
    this.queue = [];
    /** @type {NodeJS.Timeout | undefined} */
    this.timer = undefined;
  }

  /**
   * Transmits `bytes` after everything queued before them, and calls `deliver` once they have
   * crossed the link.
   * @param {number} bytes
   * @param {() => void} deliver
   * @returns {number} When they will be delivered.
   */
  send(bytes, deliver) {
    const now = performance.now();
    this.freeAt = Math.max(now, this.freeAt) + bytes / this.bytesPerMs;
    const at = this.freeAt + this.delayMs;
    this.queue.push({ at, deliver });
    if (this.queue.length === 1) this.arm(now);
    return at;
  }

  /** @param {number} now */
  arm(now) {
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, head.at - now));
  }

  pump() {
    const now = performance.now();
    while (this.queue.length > 0 && /** @type {{ at: number }} */ (this.queue[0]).at <= now + 0.5)
      /** @type {{ deliver: () => void }} */ (this.queue.shift()).deliver();
    this.arm(now);
  }

  stop() {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/**
 * The first TLS handshake record of one direction of a connection, gathered until whole.
 * @typedef {object} FirstRecord
 * @property {Buffer[]} chunks
 * @property {number} length
 * @property {boolean} done
 */

/** @returns {FirstRecord} */
const firstRecord = () => ({ chunks: [], length: 0, done: false });

/**
 * Adds `chunk` to `record`; returns the record's handshake message once the record is whole (and
 * undefined before, and for anything that is not a TLS handshake).
 * @param {FirstRecord} record
 * @param {Buffer} chunk
 * @returns {Buffer | undefined}
 */
function gather(record, chunk) {
  if (record.done) return undefined;
  record.chunks.push(chunk);
  record.length += chunk.length;
  const bytes = Buffer.concat(record.chunks);
  if (bytes.length >= 1 && bytes[0] !== TLS.handshake) {
    record.done = true; // not TLS: plain HTTP, say
    return undefined;
  }
  if (bytes.length < 5) return undefined;
  const end = 5 + bytes.readUInt16BE(3);
  if (bytes.length < end && bytes.length < 5 + 16_384 + 2048) return undefined;
  record.done = true;
  record.chunks = [];
  return bytes.subarray(5, end);
}

/**
 * The fields of a ClientHello or ServerHello this proxy reads.
 * @typedef {object} Hello
 * @property {number} type 1 ClientHello, 2 ServerHello.
 * @property {Buffer} sessionId
 * @property {Map<number, Buffer>} extensions
 */

/**
 * Parses a ClientHello or a ServerHello; undefined for any other message or a cut one.
 * @param {Buffer} message
 * @returns {Hello | undefined}
 */
function parseHello(message) {
  try {
    const type = message.readUInt8(0);
    if (type !== TLS.clientHello && type !== TLS.serverHello) return undefined;
    let at = 4 + 2 + 32; // type, length (3), legacy_version, random
    const sessionIdLength = message.readUInt8(at);
    const sessionId = message.subarray(at + 1, at + 1 + sessionIdLength);
    at += 1 + sessionIdLength;
    if (type === TLS.clientHello) {
      at += 2 + message.readUInt16BE(at); // cipher suites
      at += 1 + message.readUInt8(at); // compression methods
    } else {
      at += 2 + 1; // the cipher suite, the compression method
    }
    /** @type {Map<number, Buffer>} */
    const extensions = new Map();
    if (at + 2 <= message.length) {
      const end = at + 2 + message.readUInt16BE(at);
      at += 2;
      while (at + 4 <= end) {
        const length = message.readUInt16BE(at + 2);
        extensions.set(message.readUInt16BE(at), message.subarray(at + 4, at + 4 + length));
        at += 4 + length;
      }
    }
    return { type, sessionId, extensions };
  } catch {
    return undefined; // a cut or odd message: not counted
  }
}

/**
 * Starts the proxy on 127.0.0.1, forwarding to `target`.
 * @param {{ host: string, port: number }} target
 * @param {LinkShape} shape
 * @returns {Promise<ShapingProxy>}
 */
export async function startShapingProxy(target, shape) {
  const { oneWayDelayMs, bitsPerSecond, windowBytes = 1024 * 1024 } = shape;
  const bytesPerMs = bitsPerSecond / 8 / 1000;
  const up = new Link(bytesPerMs, oneWayDelayMs);
  const down = new Link(bytesPerMs, oneWayDelayMs);
  /** @type {ProxyStats} */
  let stats = zero();
  /** @type {TraceEvent[]} */
  let events = [];
  let tracing = false;
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();

  const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const acceptedAt = performance.now();
    stats.connections += 1;
    if (tracing)
      events.push({ kind: 'accept', receivedAt: acceptedAt, deliveredAt: acceptedAt, bytes: 0 });
    const upstream = connect({ ...target, allowHalfOpen: true, noDelay: true });
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // A side that closes (or resets) takes the other down once what it sent has crossed the link.
    client.on('error', () => undefined).on('close', () => up.send(0, drop));
    upstream.on('error', () => undefined).on('close', () => down.send(0, drop));

    // The client's first byte may leave only once a real TCP handshake would have finished:
    // SYN out and SYN-ACK back, one round trip after the connection began.
    const opensAt = acceptedAt + 2 * oneWayDelayMs;
    const clientHello = firstRecord();
    const serverHello = firstRecord();
    /** @type {Hello | undefined} */
    let hello;

    /**
     * Sends `chunk` (or the end, when null) from `from` to `to` over `link`, pausing `from`
     * while the connection has a window's worth in the link.
     * @param {Link} link
     * @param {'up' | 'down'} kind
     * @param {import('node:net').Socket} from
     * @param {import('node:net').Socket} to
     */
    const pipe = (link, kind, from, to) => {
      let inLink = 0;
      /** @param {Buffer | null} chunk */
      const send = (chunk) => {
        const receivedAt = performance.now();
        const bytes = chunk?.length ?? 0;
        inLink += bytes;
        if (inLink > windowBytes) from.pause();
        /** @type {TraceEvent | undefined} */
        const event =
          tracing && bytes > 0 ? { kind, receivedAt, deliveredAt: 0, bytes } : undefined;
        const at = link.send(bytes, () => {
          inLink -= bytes;
          if (inLink < windowBytes / 2 && from.isPaused()) from.resume();
          if (to.destroyed) return;
          if (chunk) to.write(chunk);
          else to.end();
        });
        if (event) {
          event.deliveredAt = at;
          events.push(event);
        }
      };
      /** Chunks held until the connection opens (the client's side only). */
      /** @type {(Buffer | null)[]} */
      const held = [];
      /** @param {Buffer | null} chunk */
      const forward = (chunk) => {
        if (kind === 'up' && performance.now() < opensAt) {
          if (held.length === 0)
            setTimeout(() => held.splice(0).forEach(send), opensAt - performance.now());
          held.push(chunk);
        } else if (held.length > 0) held.push(chunk);
        else send(chunk);
      };
      from.on('data', (/** @type {Buffer} */ chunk) => {
        if (kind === 'up') {
          stats.bytesUp += chunk.length;
          const message = gather(clientHello, chunk);
          const parsed = message && parseHello(message);
          if (parsed?.type === TLS.clientHello) {
            hello = parsed;
            stats.clientHellos += 1;
            const ticket = parsed.extensions.get(TLS.sessionTicketExt);
            if (
              parsed.extensions.has(TLS.preSharedKeyExt) ||
              (!parsed.extensions.has(TLS.supportedVersionsExt) &&
                (parsed.sessionId.length > 0 || (ticket !== undefined && ticket.length > 0)))
            )
              stats.pskOffered += 1;
          }
        } else {
          stats.bytesDown += chunk.length;
          const message = gather(serverHello, chunk);
          const parsed = message && parseHello(message);
          if (parsed?.type === TLS.serverHello && hello) {
            const tls13 = parsed.extensions.has(TLS.supportedVersionsExt);
            const resumed = tls13
              ? parsed.extensions.has(TLS.preSharedKeyExt)
              : parsed.sessionId.length > 0 && parsed.sessionId.equals(hello.sessionId);
            if (resumed) stats.resumedHandshakes += 1;
            else stats.fullHandshakes += 1;
            const at = performance.now();
            if (tracing)
              events.push({
                kind: resumed ? 'resumed' : 'full',
                receivedAt: at,
                deliveredAt: at,
                bytes: 0,
              });
          }
        }
        forward(chunk);
      });
      from.on('end', () => forward(null));
    };
    pipe(up, 'up', client, upstream);
    pipe(down, 'down', upstream, client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port: address.port,
    stats: () => ({ ...stats }),
    reset: () => {
      stats = zero();
      events = [];
    },
    trace: (on) => {
      tracing = on;
    },
    events: () => events,
    close: async () => {
      up.stop();
      down.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @returns {ProxyStats} */
function zero() {
  return {
    connections: 0,
    clientHellos: 0,
    pskOffered: 0,
    fullHandshakes: 0,
    resumedHandshakes: 0,
    bytesUp: 0,
    bytesDown: 0,
  };
}

/**
 * Reusable buffers for files read whole. A fresh 1 MiB buffer per upload costs more CPU than
 * the rest of the upload (the kernel maps and zeroes its pages, and V8 counts it as external
 * memory, which brings on garbage collections): measured, 2–3 ms of CPU per fresh 1 MiB buffer
 * against 0.2 ms for a reused one. Buffers come in power-of-two sizes from MIN_CLASS_BYTES; at
 * most `retainBytes` wait in the pool, the rest are left to the garbage collector.
 *
 * A buffer must come back only once nothing reads it any more: not the inspection, not a body,
 * and not a socket still writing it (see WecomHttpClient.send, which destroys a request whose
 * body was not fully written when it settles).
 */
export class BufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private retained = 0;
  private lent = 0;

  constructor(
    /** The largest buffer the pool hands out (plus `slackBytes`); larger requests get their own. */
    readonly maxBytes: number,
    private readonly retainBytes: number,
    /**
     * Bytes every buffer has beyond its power-of-two size: room for a few bytes around a file of
     * exactly 1 MiB (a multipart head and tail) without doubling its buffer.
     */
    private readonly slackBytes = 0,
  ) {}

  /** A buffer of at least `size` bytes, with stale contents: use `subarray(0, size)`. */
  acquire(size: number): Buffer {
    const capacity = classOf(Math.max(0, size - this.slackBytes)) + this.slackBytes;
    if (capacity > this.maxBytes + this.slackBytes) return Buffer.allocUnsafeSlow(size);
    this.lent += capacity;
    const buffer = this.free.get(capacity)?.pop();
    if (buffer === undefined) return Buffer.allocUnsafeSlow(capacity);
    this.retained -= capacity;
    return buffer;
  }

  /** Takes back a buffer `acquire` gave, for another acquire. Call it once per buffer. */
  release(buffer: Buffer): void {
    const capacity = buffer.length;
    const power = capacity - this.slackBytes;
    if (power !== classOf(power) || power > this.maxBytes) return;
    this.lent -= capacity;
    if (this.retained + capacity > this.retainBytes) return;
    let list = this.free.get(capacity);
    if (list === undefined) this.free.set(capacity, (list = []));
    list.push(buffer);
    this.retained += capacity;
  }

  /** The bytes of the buffers handed out and not yet taken back. */
  get lentBytes(): number {
    return this.lent;
  }

  /** The bytes a buffer for `size` bytes takes. */
  capacityFor(size: number): number {
    return classOf(Math.max(0, size - this.slackBytes)) + this.slackBytes;
  }

  /** The bytes waiting in the pool. */
  get retainedBytes(): number {
    return this.retained;
  }
}

const MIN_CLASS_BYTES = 64 * 1024;

/** The pool size that holds `size` bytes: the next power of two, at least MIN_CLASS_BYTES. */
function classOf(size: number): number {
  if (size <= MIN_CLASS_BYTES) return MIN_CLASS_BYTES;
  return 2 ** Math.ceil(Math.log2(size));
}

// A small request/answer protocol over fork() IPC, so the harness can drive long-lived children.
// Messages cross a process boundary untyped: each child documents what it answers (a typedef next
// to its handler), and the parent casts an answer to that typedef.
import { cpus, totalmem } from 'node:os';
import { fork } from 'node:child_process';

/**
 * A request to a child: a command and its arguments.
 * @typedef {{ cmd: string } & Record<string, unknown>} Command
 */

/**
 * A request on the wire: the command and the id its answer carries back.
 * @typedef {Command & { id: number }} Request
 */

/**
 * An answer on the wire: the handler's result, or its error's stack.
 * @typedef {object} Reply
 * @property {number} id
 * @property {unknown} [result]
 * @property {string} [error]
 */

/**
 * A forked child, ready for requests.
 * @typedef {object} Child
 * @property {unknown} hello Its first message (see serve's `hello`).
 * @property {number | undefined} pid
 * @property {(body: Command) => Promise<unknown>} request Resolves with the handler's result.
 * @property {() => Promise<void>} stop
 */

/**
 * Forks `script` and resolves once it says it is ready (with its first message).
 * @param {string} script
 * @param {string[]} [args]
 * @param {string[]} [execArgv]
 * @param {NodeJS.ProcessEnv} [env] Added to this process's environment.
 * @returns {Promise<Child>}
 */
export async function startChild(script, args = [], execArgv = [], env = {}) {
  const child = fork(script, args, {
    execArgv: ['--expose-gc', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** @type {Map<number, { resolve: (result: unknown) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  let nextId = 0;
  /** @type {Promise<unknown>} */
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
    child.once('message', resolve);
  });
  const hello = await ready;
  child.on('message', (message) => {
    const reply = /** @type {Reply} */ (message); // every later message comes from serve()
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  });
  return {
    hello,
    pid: child.pid,
    request(body) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, ...body });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * In a child: answers each request with `handler(message)`. The handler names the commands it
 * takes (`C`): they come from the parent's `request`, over IPC.
 * @template {Command} C
 * @param {(message: C) => unknown} handler
 * @param {unknown} [hello] The first message, which `startChild` resolves with.
 * @returns {void}
 */
export function serve(handler, hello = { ready: true }) {
  const send = process.send?.bind(process);
  if (!send) throw new Error('serve() answers a parent: run this script through startChild()');
  process.on('message', async (message) => {
    const request = /** @type {C & Request} */ (message);
    try {
      send({ id: request.id, result: await handler(request) });
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  send(hello);
}

/**
 * Samples this process's RSS every 5 ms while `work` runs; returns its result and the peak over idle.
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<{ result: T, idleRss: number, peakOverIdle: number }>}
 */
export async function withPeakRss(work) {
  globalThis.gc?.();
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, idleRss: idle, peakOverIdle: peak - idle };
  } finally {
    clearInterval(timer);
  }
}

/**
 * What runConcurrently measured.
 * @typedef {object} ConcurrentRun
 * @property {number[]} latencies Each task's latency in ms, in the order they ended.
 * @property {number} wallMs
 */

/**
 * Runs `count` tasks with at most `concurrency` at once; returns each task's latency in ms.
 * @param {number} count
 * @param {number} concurrency
 * @param {(i: number) => Promise<unknown>} task
 * @returns {Promise<ConcurrentRun>}
 */
export async function runConcurrently(count, concurrency, task) {
  /** @type {number[]} */
  const latencies = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const start = process.hrtime.bigint();
      await task(i);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { latencies, wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
}

/**
 * The machine a run was measured on, for its results file.
 * @param {boolean} quick
 */
export function machineFacts(quick) {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    quick,
  };
}

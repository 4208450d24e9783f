// A small request/answer protocol over fork() IPC, so the harness can drive long-lived children.
import { fork } from 'node:child_process';

/** Forks `script` and resolves once it says it is ready (with its first message). */
export async function startChild(script, args = [], execArgv = []) {
  const child = fork(script, args, {
    execArgv: ['--expose-gc', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
    child.once('message', resolve);
  });
  const hello = await ready;
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
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

/** In a child: answers each request with `handler(message)`. */
export function serve(handler, hello = { ready: true }) {
  process.on('message', async (message) => {
    try {
      process.send({ id: message.id, result: await handler(message) });
    } catch (error) {
      process.send({ id: message.id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  process.send(hello);
}

/** Samples this process's RSS every 5 ms while `work` runs; returns its result and the peak over idle. */
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

/** Runs `count` tasks with at most `concurrency` at once; returns each task's latency in ms. */
export async function runConcurrently(count, concurrency, task) {
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

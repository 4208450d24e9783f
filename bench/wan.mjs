// `npm run bench -- --wan [--quick]`: the upload variants over an emulated WAN link — the
// emulator over HTTPS behind a shaping proxy (40 ms RTT, 100 Mbit/s each way shared by every
// connection; see shaping-proxy.mjs). For each variant, size and concurrency: the share of the
// link the payload used, p50/p99, TCP connections and TLS handshakes per upload; and the cold
// start of a fresh process (no token, no connection) in ms and round trips, next to a warm upload.
// Writes bench/results/wan.{json,md} (or wan-quick.*).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { makePng, padTo } from '../test/helpers/media-bytes.mjs';
import { machineFacts, startChild } from './ipc.mjs';
import { startShapingProxy } from './shaping-proxy.mjs';

/** @typedef {import('./ipc.mjs').Child} Child */
/** @typedef {import('./upload-worker.mjs').WorkerRun} WorkerRun */
/** @typedef {import('./shaping-proxy.mjs').ProxyStats} ProxyStats */
/** @typedef {import('./shaping-proxy.mjs').TraceEvent} TraceEvent */
/** @typedef {import('../test/helpers/wecom-calls.mjs').WecomTarget} WecomTarget */

/**
 * One cell: a variant, a size and a concurrency, over every round.
 * @typedef {object} WanRow
 * @property {string} variant
 * @property {string} size
 * @property {number} concurrency
 * @property {number} uploads Measured uploads (the worker's warm-ups not among them).
 * @property {number} mbPerSec Payload (the files' bytes) per second, 10⁶ bytes.
 * @property {number} linkShare mbPerSec ÷ the link's 12.5 MB/s.
 * @property {number} p50Ms
 * @property {number} p99Ms
 * @property {number} connectionsPerUpload TCP connections ÷ uploads, warm-ups included in both.
 * @property {number} fullHandshakes Full TLS handshakes in the cell (warm-ups included).
 * @property {number} resumedHandshakes Resumed TLS handshakes in the cell (warm-ups included).
 */

/**
 * The first upload of a fresh process, and the next one.
 * @typedef {object} ColdRow
 * @property {string} variant
 * @property {number} runs Fresh processes measured (the figures are their medians).
 * @property {number} coldMs From the process's first TCP connection to its first upload's answer.
 * @property {number} coldRoundTrips coldMs ÷ the RTT.
 * @property {number} warmMs The next upload, from its first byte sent to its answer.
 * @property {number} warmRoundTrips
 * @property {number} connections TCP connections the cold upload opened.
 * @property {number} fullHandshakes
 * @property {number} resumedHandshakes
 * @property {number} gettoken gettoken calls the emulator saw.
 * @property {number} bootedMs The first upload of a process that booted (set up, and the module
 *   warmed up) and fell quiet first: from its first byte sent to its answer.
 * @property {number} bootedRoundTrips
 * @property {number} bootedConnections TCP connections that upload opened.
 */

const quick = process.argv.includes('--quick');
const here = import.meta.dirname;
const KiB = 1024;
const MiB = 1024 * KiB;
const ONE_WAY_MS = 20;
const RTT_MS = 2 * ONE_WAY_MS;
const BITS_PER_SECOND = 100e6;
const LINK_MB_PER_SEC = BITS_PER_SECOND / 8 / 1e6;
const VARIANTS = ['service', 'naive', 'tuned'];
const SIZES = [
  { label: '100 KiB', bytes: 100 * KiB },
  { label: '1 MiB', bytes: MiB },
  ...(quick ? [] : [{ label: '10 MiB', bytes: 10 * MiB }]),
];
const CONCURRENCY = [1, 8];
const ROUNDS = quick ? 1 : 2;
const COLD_RUNS = quick ? 1 : 3;
const COLD_SIZE = 100 * KiB;
/**
 * Uploads a cell runs per round.
 * @param {number} bytes
 * @param {number} concurrency
 * @returns {number}
 */
const count = (bytes, concurrency) => {
  const base = bytes <= 100 * KiB ? 24 : bytes <= MiB ? 12 : 4;
  return (quick ? Math.ceil(base / 2) : base) * (concurrency === 1 ? 1 : 2);
};
const machine = machineFacts(quick);
const link = { rttMs: RTT_MS, mbitPerSec: BITS_PER_SECOND / 1e6 };

/**
 * @param {number[]} sorted
 * @param {number} p
 */
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
/** @param {number[]} values */
const median = (values) =>
  percentile(
    values.toSorted((a, b) => a - b),
    0.5,
  );

console.log(
  `WAN bench (${quick ? 'quick' : 'full'}): ${link.rttMs} ms RTT, ${link.mbitPerSec} Mbit/s, TLS; ${machine.cores} × ${machine.cpu}, Node ${machine.node}`,
);

const dir = await mkdtemp(join(tmpdir(), 'wecom-wan-'));
/** @type {Child[]} */
const children = [];
/** @type {import('./shaping-proxy.mjs').ShapingProxy | undefined} */
let proxy;
try {
  const emulator = await startChild(join(here, 'emulator-process.mjs'), ['--tls']);
  children.push(emulator);
  const hello = /** @type {WecomTarget} */ (emulator.hello);
  proxy = await startShapingProxy(
    { host: '127.0.0.1', port: Number(new URL(hello.url).port) },
    { oneWayDelayMs: ONE_WAY_MS, bitsPerSecond: BITS_PER_SECOND },
  );
  const shaper = proxy;
  /** @type {WecomTarget} */
  const wecom = { ...hello, url: `https://127.0.0.1:${shaper.port}` };
  // Every variant trusts the test CA alike, the way any Node client can.
  const env = { NODE_EXTRA_CA_CERTS: join(here, '..', 'test', 'fixtures', 'tls', 'ca.crt') };
  /** @param {string} variant */
  const startWorker = (variant) =>
    startChild(join(here, 'upload-worker.mjs'), [variant, JSON.stringify(wecom)], [], env);

  /** @param {number} bytes */
  const fileOf = (bytes) => join(dir, `${bytes}.png`);
  for (const bytes of new Set([COLD_SIZE, ...SIZES.map((s) => s.bytes)]))
    await writeFile(fileOf(bytes), padTo(makePng(800, 600), bytes));
  /**
   * @param {Child} worker
   * @param {number} bytes
   * @param {number} n
   * @param {number} concurrency
   */
  const run = async (worker, bytes, n, concurrency) =>
    /** @type {WorkerRun} */ (
      await worker.request({
        cmd: 'run',
        path: fileOf(bytes),
        filename: 'bench.png',
        count: n,
        concurrency,
      })
    );
  const gettokenCalls = async () =>
    /** @type {import('./emulator-process.mjs').EmulatorStats} */ (
      await emulator.request({ cmd: 'stats' })
    ).gettoken;

  // Cold starts: a fresh process per run, asked for one upload — which the worker runs as its
  // warm-up (the cold one), then one measured (the warm one). The proxy's trace times both.
  // Then another fresh process that boots first (the worker's set-up alone: the module's app, or
  // the baselines' token) and falls quiet before its first upload, as a server's first request
  // comes well after its start.
  /** @type {Map<string, ReturnType<typeof coldOf>[]>} */
  const colds = new Map(VARIANTS.map((v) => [v, []]));
  /** @type {Map<string, ReturnType<typeof coldOf>[]>} */
  const booted = new Map(VARIANTS.map((v) => [v, []]));
  /** @type {Map<string, number>} */
  const coldTokens = new Map(VARIANTS.map((v) => [v, 0]));
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const variant of rotate(VARIANTS, i)) {
      const worker = await startWorker(variant);
      try {
        await gettokenCalls();
        shaper.reset();
        shaper.trace(true);
        await run(worker, COLD_SIZE, 1, 1);
        shaper.trace(false);
        colds.get(variant)?.push(coldOf(shaper.events(), COLD_SIZE));
        coldTokens.set(variant, (coldTokens.get(variant) ?? 0) + (await gettokenCalls()));
      } finally {
        await worker.stop();
      }
      const fresh = await startWorker(variant);
      try {
        shaper.reset();
        shaper.trace(true);
        await run(fresh, COLD_SIZE, 0, 1); // the set-up alone
        await quiet(shaper, 10 * RTT_MS);
        const boot = shaper.events().length;
        await run(fresh, COLD_SIZE, 1, 1);
        shaper.trace(false);
        booted.get(variant)?.push(coldOf(shaper.events().slice(boot), COLD_SIZE));
      } finally {
        await fresh.stop();
      }
    }
    process.stdout.write('.');
  }
  /** @type {ColdRow[]} */
  const cold = VARIANTS.map((variant) => {
    const runs = colds.get(variant) ?? [];
    const afterBoot = booted.get(variant) ?? [];
    const coldMs = median(runs.map((r) => r.coldMs));
    const warmMs = median(runs.map((r) => r.warmMs));
    const bootedMs = median(afterBoot.map((r) => r.coldMs));
    return {
      variant,
      runs: runs.length,
      coldMs,
      coldRoundTrips: coldMs / RTT_MS,
      warmMs,
      warmRoundTrips: warmMs / RTT_MS,
      connections: median(runs.map((r) => r.connections)),
      fullHandshakes: median(runs.map((r) => r.full)),
      resumedHandshakes: median(runs.map((r) => r.resumed)),
      gettoken: (coldTokens.get(variant) ?? 0) / Math.max(1, runs.length),
      bootedMs,
      bootedRoundTrips: bootedMs / RTT_MS,
      bootedConnections: median(afterBoot.map((r) => r.connections)),
    };
  });

  // The cells: long-lived workers, variants interleaved, the order rotated from cell to cell.
  /** @type {Record<string, Child>} */
  const workers = {};
  for (const variant of VARIANTS) {
    const worker = await startWorker(variant);
    children.push(worker);
    workers[variant] = worker;
  }
  /**
   * @typedef {object} Sample
   * @property {number[]} latencies
   * @property {number} wallMs
   * @property {number} uploads
   * @property {number} withWarmUps
   * @property {ProxyStats[]} proxy
   */
  /** @type {Map<string, Sample>} */
  const samples = new Map();
  let turn = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of SIZES) {
      for (const concurrency of CONCURRENCY) {
        for (const variant of rotate(VARIANTS, turn++)) {
          const n = count(size.bytes, concurrency);
          shaper.reset();
          const result = await run(
            /** @type {Child} */ (workers[variant]),
            size.bytes,
            n,
            concurrency,
          );
          const key = `${variant}|${size.label}|${concurrency}`;
          const s = samples.get(key) ?? {
            latencies: [],
            wallMs: 0,
            uploads: 0,
            withWarmUps: 0,
            proxy: [],
          };
          s.latencies.push(...result.latencies);
          s.wallMs += result.wallMs;
          s.uploads += n;
          s.withWarmUps += n + result.warmUps;
          s.proxy.push(shaper.stats());
          samples.set(key, s);
        }
        process.stdout.write('.');
      }
    }
  }
  console.log('');

  /** @type {WanRow[]} */
  const rows = [];
  for (const size of SIZES) {
    for (const concurrency of CONCURRENCY) {
      for (const variant of VARIANTS) {
        const s = samples.get(`${variant}|${size.label}|${concurrency}`);
        if (!s) continue;
        const sorted = s.latencies.toSorted((a, b) => a - b);
        /** @param {(p: ProxyStats) => number} of */
        const sum = (of) => s.proxy.reduce((total, p) => total + of(p), 0);
        const mbPerSec = (s.uploads * size.bytes) / 1e6 / (s.wallMs / 1000);
        rows.push({
          variant,
          size: size.label,
          concurrency,
          uploads: s.uploads,
          mbPerSec,
          linkShare: mbPerSec / LINK_MB_PER_SEC,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          connectionsPerUpload: sum((p) => p.connections) / s.withWarmUps,
          fullHandshakes: sum((p) => p.fullHandshakes),
          resumedHandshakes: sum((p) => p.resumedHandshakes),
        });
      }
    }
  }

  console.log(`\nOver a ${link.rttMs} ms RTT, ${link.mbitPerSec} Mbit/s link (TLS)`);
  console.table(
    rows.map((r) => ({
      variant: r.variant,
      size: r.size,
      conc: r.concurrency,
      '% link': (100 * r.linkShare).toFixed(0),
      'MB/s': r.mbPerSec.toFixed(2),
      'p50 ms': r.p50Ms.toFixed(0),
      'p99 ms': r.p99Ms.toFixed(0),
      'conn/upload': r.connectionsPerUpload.toFixed(2),
      'TLS full': r.fullHandshakes,
      'TLS resumed': r.resumedHandshakes,
    })),
  );
  console.log(`Cold start: a fresh process's first upload of ${COLD_SIZE / KiB} KiB`);
  console.table(
    cold.map((c) => ({
      variant: c.variant,
      'cold ms': c.coldMs.toFixed(0),
      'cold RTTs': c.coldRoundTrips.toFixed(1),
      'warm ms': c.warmMs.toFixed(0),
      'warm RTTs': c.warmRoundTrips.toFixed(1),
      connections: c.connections,
      'TLS full': c.fullHandshakes,
      'TLS resumed': c.resumedHandshakes,
      gettoken: c.gettoken,
      'after boot ms': c.bootedMs.toFixed(0),
      'after boot RTTs': c.bootedRoundTrips.toFixed(1),
      'after boot conns': c.bootedConnections,
    })),
  );

  const results = { machine, link, rounds: ROUNDS, uploads: rows, cold };
  await mkdir(join(here, 'results'), { recursive: true });
  const name = quick ? 'wan-quick' : 'wan';
  await writeFile(join(here, 'results', `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(here, 'results', `${name}.md`), markdown(rows, cold));
  console.log(`\nwrote bench/results/${name}.{json,md}`);
} finally {
  await proxy?.close();
  await Promise.all(children.map((c) => c.stop()));
  await rm(dir, { recursive: true, force: true });
}

/**
 * Resolves once nothing has crossed `shaper` for `ms`, counting from now (its trace must be on):
 * what a process starts in the background when set up has `ms` to begin.
 * @param {import('./shaping-proxy.mjs').ShapingProxy} shaper
 * @param {number} ms
 * @returns {Promise<void>}
 */
async function quiet(shaper, ms) {
  const since = performance.now();
  for (;;) {
    const last = Math.max(since, shaper.events().at(-1)?.deliveredAt ?? 0);
    const idle = performance.now() - last;
    if (idle >= ms) return;
    await sleep(ms - idle);
  }
}

/**
 * `items` rotated left by `by`, so that no variant always runs first.
 * @template T
 * @param {T[]} items
 * @param {number} by
 * @returns {T[]}
 */
function rotate(items, by) {
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

/**
 * The cold and the warm upload of a fresh process, from the proxy's trace of its first two
 * uploads (one after the other, on one or more connections). An upload's answer is the first bytes
 * the server sent once the client had sent another file's worth: the server answers only after
 * the whole body, and sends nothing while it arrives.
 * @param {TraceEvent[]} events
 * @param {number} fileBytes
 */
function coldOf(events, fileBytes) {
  // A new connection, or bytes on one already open.
  const start = events.find((e) => e.kind === 'accept' || e.kind === 'up')?.receivedAt;
  if (start === undefined) throw new Error('the cold run sent nothing');
  /**
   * When the answer to the upload whose body took the client's sent bytes past `total` reached
   * the client, and how many bytes the client had sent by then.
   * @param {number} total
   */
  const answerAfter = (total) => {
    let sent = 0;
    let bodyAt = Infinity;
    for (const e of events) {
      if (e.kind === 'up') {
        sent += e.bytes;
        if (sent >= total && bodyAt === Infinity) bodyAt = e.deliveredAt;
      } else if (e.kind === 'down' && e.receivedAt >= bodyAt) {
        const sentBy = events
          .filter((u) => u.kind === 'up' && u.receivedAt <= e.deliveredAt)
          .reduce((n, u) => n + u.bytes, 0);
        return { at: e.deliveredAt, sentBy };
      }
    }
    throw new Error(`no answer after ${total} bytes sent`);
  };
  const first = answerAfter(fileBytes);
  const secondStart = events.find((e) => e.kind === 'up' && e.receivedAt >= first.at)?.receivedAt;
  if (secondStart === undefined) throw new Error('no second upload in the cold run');
  const second = answerAfter(first.sentBy + fileBytes);
  const before = events.filter((e) => e.receivedAt <= first.at);
  return {
    coldMs: first.at - start,
    warmMs: second.at - secondStart,
    connections: before.filter((e) => e.kind === 'accept').length,
    full: before.filter((e) => e.kind === 'full').length,
    resumed: before.filter((e) => e.kind === 'resumed').length,
  };
}

/**
 * The results as Markdown tables.
 * @param {WanRow[]} rows
 * @param {ColdRow[]} cold
 * @returns {string}
 */
function markdown(rows, cold) {
  const lines = [
    `Over a ${RTT_MS} ms RTT, ${BITS_PER_SECOND / 1e6} Mbit/s link, HTTPS; ${machine.date.slice(0, 10)}, ${machine.cores} × ${machine.cpu}, Node ${machine.node}${quick ? ' (quick run)' : ''}.`,
    '',
    '| variant | size | concurrency | uploads | % of link | MB/s | p50 ms | p99 ms | TCP connections per upload | TLS full | TLS resumed |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.variant} | ${r.size} | ${r.concurrency} | ${r.uploads} | ${(100 * r.linkShare).toFixed(0)} % | ${r.mbPerSec.toFixed(2)} | ${r.p50Ms.toFixed(0)} | ${r.p99Ms.toFixed(0)} | ${r.connectionsPerUpload.toFixed(2)} | ${r.fullHandshakes} | ${r.resumedHandshakes} |`,
    );
  lines.push(
    '',
    `| first upload of a fresh process (${COLD_SIZE / KiB} KiB) | cold ms | cold RTTs | TCP connections | TLS full | TLS resumed | gettoken | warm ms | warm RTTs | after boot ms | after boot RTTs | after boot, new connections |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const c of cold)
    lines.push(
      `| ${c.variant} | ${c.coldMs.toFixed(0)} | ${c.coldRoundTrips.toFixed(1)} | ${c.connections} | ${c.fullHandshakes} | ${c.resumedHandshakes} | ${c.gettoken} | ${c.warmMs.toFixed(0)} | ${c.warmRoundTrips.toFixed(1)} | ${c.bootedMs.toFixed(0)} | ${c.bootedRoundTrips.toFixed(1)} | ${c.bootedConnections} |`,
    );
  return `${lines.join('\n')}\n`;
}

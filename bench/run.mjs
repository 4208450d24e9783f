// `npm run bench [-- --quick]`: measures the module side by side with its baselines in one run,
// interleaving the variants so that machine drift hits all of them alike. Writes
// bench/results/{latest|quick}.json, a Markdown table and an SVG chart.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { throughputChart } from './chart.mjs';
import { benchInspection } from './inspection.mjs';
import { startChild } from './ipc.mjs';
import { pngOf } from './media-files.mjs';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'wecom-bench-'));
const KiB = 1024;
const MiB = 1024 * KiB;

const SIZES = quick
  ? [
      { label: '100 KiB', bytes: 100 * KiB },
      { label: '1 MiB', bytes: MiB },
    ]
  : [
      { label: '100 KiB', bytes: 100 * KiB },
      { label: '1 MiB', bytes: MiB },
      { label: '10 MiB', bytes: 10 * MiB },
    ];
const CONCURRENCY = quick ? [1, 8] : [1, 8, 32];
const ROUNDS = quick ? 1 : 3;
const MEMORY_UPLOADS = 50;
const count = (bytes, concurrency) => {
  if (quick) return Math.max(16, concurrency * 2);
  const base = bytes <= 100 * KiB ? 240 : bytes <= MiB ? 120 : 32;
  return Math.max(base, concurrency * 3);
};

const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  date: new Date().toISOString(),
  quick,
};
console.log(
  `nestjs-wecom-media bench (${quick ? 'quick' : 'full'}) on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
);

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const results = { machine, method: {} };
const children = [];
try {
  const emulator = await startChild(join(here, 'emulator-process.mjs'));
  children.push(emulator);
  const wecom = emulator.hello;
  const files = {};
  for (const size of SIZES) {
    files[size.label] = join(dir, `${size.bytes}.png`);
    await writeFile(files[size.label], pngOf(800, 600, size.bytes));
  }
  const tenMiB = join(dir, 'ten.png');
  await writeFile(tenMiB, pngOf(800, 600, 10 * MiB));

  // Upload variants, each in its own long-lived process.
  const workers = {};
  for (const variant of ['raw', 'rawfile', 'service', 'naive', 'cache', 'post']) {
    workers[variant] = await startChild(join(here, 'upload-worker.mjs'), [
      variant,
      JSON.stringify(wecom),
    ]);
    children.push(workers[variant]);
  }
  const bare = await startChild(join(here, 'upload-server.mjs'), ['bare', JSON.stringify(wecom)]);
  children.push(bare);
  const server = await startChild(join(here, 'upload-server.mjs'), [
    'module',
    JSON.stringify(wecom),
  ]);
  children.push(server);

  // variant name → how to run it in a cell
  const via = (worker, target) => (file, n, c) =>
    workers[worker].request({
      cmd: 'run',
      path: file,
      filename: 'bench.png',
      target,
      count: n,
      concurrency: c,
    });
  const VARIANTS = {
    raw: via('raw'),
    rawfile: via('rawfile'),
    service: via('service'),
    naive: via('naive'),
    cache: via('cache'),
    controller: via('post', server.hello.url),
    proxy: via('post', bare.hello.url),
    direct: via('post', 'emulator'),
  };
  const names = Object.keys(VARIANTS);
  const samples = new Map(); // key → { latencies, wallMs, count, peak, gettoken }
  let turn = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const size of SIZES) {
      for (const concurrency of CONCURRENCY) {
        // Rotate the order each time so that no variant always runs first or last.
        const order = names.map((_, i) => names[(i + turn) % names.length]);
        turn += 1;
        for (const variant of order) {
          const n = count(size.bytes, concurrency);
          await emulator.request({ cmd: 'stats' });
          const run = await VARIANTS[variant](files[size.label], n, concurrency);
          const stats = await emulator.request({ cmd: 'stats' });
          const key = `${variant}|${size.label}|${concurrency}`;
          const s = samples.get(key) ?? {
            latencies: [],
            wallMs: 0,
            count: 0,
            peak: 0,
            gettoken: 0,
          };
          s.latencies.push(...run.latencies);
          s.wallMs += run.wallMs;
          s.count += n;
          s.peak = Math.max(s.peak, run.peakOverIdle);
          s.gettoken += stats.gettoken;
          samples.set(key, s);
        }
        process.stdout.write('.');
      }
    }
  }
  console.log('');

  const rows = [];
  for (const [key, s] of samples) {
    const [variant, size, concurrency] = key.split('|');
    const bytes = SIZES.find((x) => x.label === size).bytes;
    const sorted = s.latencies.toSorted((a, b) => a - b);
    const uploadsPerSec = (s.count / s.wallMs) * 1000;
    rows.push({
      variant,
      size,
      concurrency: Number(concurrency),
      uploads: s.count,
      uploadsPerSec,
      mbPerSec: (uploadsPerSec * bytes) / 1e6,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      peakRssOverIdleMiB: s.peak / MiB,
      gettokenCalls: s.gettoken,
    });
  }
  for (const row of rows) {
    const baseline = rows.find(
      (r) =>
        r.variant ===
          (row.variant === 'controller' || row.variant === 'proxy' ? 'direct' : 'raw') &&
        r.size === row.size &&
        r.concurrency === row.concurrency,
    );
    row.ratio =
      row.variant === 'raw' || row.variant === 'direct'
        ? 1
        : row.uploadsPerSec / baseline.uploadsPerSec;
  }
  results.uploads = rows;

  console.log('\nUploads (ratio: to raw; controller: to direct-to-emulator)');
  console.table(
    rows.map((r) => ({
      variant: r.variant,
      size: r.size,
      conc: r.concurrency,
      'uploads/s': r.uploadsPerSec.toFixed(1),
      'MB/s': r.mbPerSec.toFixed(1),
      'p50 ms': r.p50Ms.toFixed(2),
      'p99 ms': r.p99Ms.toFixed(2),
      'peak RSS MiB': r.peakRssOverIdleMiB.toFixed(1),
      gettoken: r.gettokenCalls,
      ratio: r.ratio.toFixed(2),
    })),
  );

  // Memory: 50 concurrent 10 MiB uploads through the controller, and through the naive server.
  const naiveServer = await startChild(join(here, 'upload-server.mjs'), [
    'naive',
    JSON.stringify(wecom),
  ]);
  children.push(naiveServer);
  results.memory = [];
  for (const [name, target] of [
    ['module controller', server],
    ['naive (multer memory)', naiveServer],
  ]) {
    await target.request({ cmd: 'reset-peak' });
    const { idle } = await target.request({ cmd: 'reset-peak' });
    await workers.post.request({
      cmd: 'run',
      path: tenMiB,
      filename: 'ten.png',
      target: target.hello.url,
      count: MEMORY_UPLOADS,
      concurrency: MEMORY_UPLOADS,
    });
    const { peak } = await target.request({ cmd: 'peak' });
    results.memory.push({
      server: name,
      uploads: `${MEMORY_UPLOADS} × 10 MiB, all at once`,
      idleRssMiB: idle / MiB,
      peakOverIdleMiB: (peak - idle) / MiB,
    });
  }
  console.log('\nPeak RSS of the receiving server over its idle RSS');
  console.table(results.memory);

  results.inspection = await benchInspection({ dir, quick });
  console.log('\nMedia inspection (10 MiB files on disk, through a file handle)');
  console.table(results.inspection);

  // Targets.
  const worst = (variant) =>
    rows.filter((r) => r.variant === variant).reduce((min, r) => (r.ratio < min.ratio ? r : min));
  const service = worst('service');
  const controller = worst('controller');
  // A repeat upload: one at a time (under concurrency, p50 measures the queue for two cores).
  const cacheP50 = Math.max(
    ...rows.filter((r) => r.variant === 'cache' && r.concurrency === 1).map((r) => r.p50Ms),
  );
  const moduleMemory = results.memory[0].peakOverIdleMiB;
  const mp4 = results.inspection.find((r) => r.file.startsWith('MP4'));
  results.targets = [
    [
      `service ≥ 0.9× raw everywhere (lowest ${service.ratio.toFixed(2)} at ${service.size}, concurrency ${service.concurrency})`,
      service.ratio >= 0.9,
    ],
    [
      `controller ≥ 0.8× direct (lowest ${controller.ratio.toFixed(2)} at ${controller.size}, concurrency ${controller.concurrency})`,
      controller.ratio >= 0.8,
    ],
    [
      `50 × 10 MiB through the controller ≤ 150 MiB over idle (${moduleMemory.toFixed(1)} MiB; naive ${results.memory[1].peakOverIdleMiB.toFixed(1)} MiB)`,
      moduleMemory <= 150,
    ],
    [
      `10 MiB MP4 inspection < 1 ms (p50 ${mp4.p50Ms.toFixed(3)} ms) and < 64 KiB read (${mp4.bytesRead} B)`,
      mp4.p50Ms < 1 && mp4.bytesRead < 64 * KiB,
    ],
    [
      `cache-hit repeat upload p50 < 1 ms (worst size, one at a time: ${cacheP50.toFixed(3)} ms)`,
      cacheP50 < 1,
    ],
  ].map(([target, met]) => ({ target, met }));
  console.log('\nTargets');
  for (const { target, met } of results.targets)
    console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);

  await mkdir(join(here, 'results'), { recursive: true });
  const name = quick ? 'quick' : 'latest';
  await writeFile(join(here, 'results', `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(here, 'results', `${name}.svg`), throughputChart(rows, SIZES, CONCURRENCY));
  await writeFile(join(here, 'results', `${name}.md`), markdown(results));
  console.log(`\nwrote bench/results/${name}.{json,svg,md}`);
} finally {
  await Promise.all(children.map((c) => c.stop()));
  await rm(dir, { recursive: true, force: true });
}

function markdown({ uploads, memory, inspection, targets }) {
  const lines = [
    '| variant | size | concurrency | uploads/s | MB/s | p50 ms | p99 ms | peak RSS over idle MiB | gettoken | ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of uploads.toSorted(
    (a, b) =>
      a.size.localeCompare(b.size) ||
      a.concurrency - b.concurrency ||
      a.variant.localeCompare(b.variant),
  )) {
    lines.push(
      `| ${r.variant} | ${r.size} | ${r.concurrency} | ${r.uploadsPerSec.toFixed(1)} | ${r.mbPerSec.toFixed(1)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.peakRssOverIdleMiB.toFixed(1)} | ${r.gettokenCalls} | ${r.ratio.toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    '| server | uploads | idle RSS MiB | peak over idle MiB |',
    '| --- | --- | ---: | ---: |',
  );
  for (const m of memory)
    lines.push(
      `| ${m.server} | ${m.uploads} | ${m.idleRssMiB.toFixed(1)} | ${m.peakOverIdleMiB.toFixed(1)} |`,
    );
  lines.push(
    '',
    '| file | result | p50 ms | p99 ms | bytes read | reads |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const i of inspection)
    lines.push(
      `| ${i.file} | ${i.result} | ${i.p50Ms.toFixed(3)} | ${i.p99Ms.toFixed(3)} | ${i.bytesRead} | ${i.reads} |`,
    );
  lines.push('', '| target | met |', '| --- | --- |');
  for (const t of targets) lines.push(`| ${t.target} | ${t.met ? 'yes' : 'no'} |`);
  return `${lines.join('\n')}\n`;
}

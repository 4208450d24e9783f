// `npm run bench [-- --quick]`: measures the module side by side with its baselines in one run.
// Writes bench/results/latest.json and prints a table per section.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchInspection } from './inspection.mjs';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'wecom-bench-'));

const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  date: new Date().toISOString(),
  quick,
};
console.log(
  `nestjs-wecom-media bench (${quick ? 'quick' : 'full'}) on ${machine.cores} × ${machine.cpu}, Node ${machine.node}`,
);

const results = { machine };
try {
  results.inspection = await benchInspection({ dir, quick });
  console.log('\nMedia inspection (10 MiB files on disk, through a file handle)');
  console.table(results.inspection);
  const mp4 = results.inspection.find((r) => r.file.startsWith('MP4'));
  const targets = [
    [`MP4 inspection < 1 ms (p50 ${mp4.p50Ms.toFixed(3)} ms)`, mp4.p50Ms < 1],
    [`MP4 inspection reads < 64 KiB (${mp4.bytesRead} bytes)`, mp4.bytesRead < 64 * 1024],
  ];
  results.targets = targets.map(([target, met]) => ({ target, met }));
  console.log('\nTargets');
  for (const { target, met } of results.targets)
    console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

await mkdir(join(here, 'results'), { recursive: true });
const out = join(here, 'results', quick ? 'quick.json' : 'latest.json');
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out}`);

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time under `dir`, in milliseconds. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * The packaging test and the multi-process replica tests run the built package in plain Node.
 * `npm test` builds it just before; a bare `vitest` builds it here only when it is missing or
 * older than the sources, so that dist is built once per run.
 */
export default function setup(): void {
  const built = join(root, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'lib'))) return;
  try {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // The tests of the built package will fail and say why; the others can still run.
    process.stderr.write(
      `global setup: npm run build failed:\n${String((error as { stdout?: Buffer }).stdout ?? error)}\n`,
    );
  }
}

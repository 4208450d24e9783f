import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** The steps of `npm start`, as package.json gives them. */
const steps = (): string[] => {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return (scripts.start ?? '').split('&&').map((step) => step.trim());
};

// `npm start` on a fresh machine: the package and the sample are built, then the sample runs with
// glibc's arenas capped, as sharp advises for the memory of fitting (docs/fit.md). The variable
// must be in the process's environment when it starts: the script sets it, nothing else has to.
describe('npm start', () => {
  it('builds the package and the sample first', () => {
    expect(steps().slice(0, 2)).toEqual(['npm run build', 'npm run build:sample']);
  });

  it('runs the sample with MALLOC_ARENA_MAX=2, from a shell without it', async () => {
    await run('npm', ['run', 'build:sample'], { cwd: root });
    const { MALLOC_ARENA_MAX: _unset, ...env } = process.env;
    // The last step as npm runs it (sh -c), in a process group of its own, so that it ends with it.
    const child = spawn('sh', ['-c', steps().at(-1) ?? ''], {
      cwd: root,
      detached: true,
      env: { ...env, PORT: '0', HOST: '127.0.0.1', WECOM_CORP_ID: '', WECOM_CORP_SECRET: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Open http')) resolve();
        };
        child.stdout.on('data', read);
        child.stderr.on('data', read);
        child.once('exit', (code) => reject(new Error(`the sample exited (${code}):\n${output}`)));
      });
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
    expect(output).toContain('MALLOC_ARENA_MAX=2');
    expect(output).not.toContain('MALLOC_ARENA_MAX is unset');
  }, 60_000);
});

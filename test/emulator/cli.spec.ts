import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentType, MediaType, WecomMediaModule } from '../../lib/index.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { bootRootApp } from '../helpers/wecom-test-app.js';

const cli = join(import.meta.dirname, '..', '..', 'dist', 'testing', 'cli.js');

/** The CLI's stdout, line by line, and a way to wait for a line that matches. */
function linesOf(child: ChildProcess): (pattern: RegExp) => Promise<string> {
  const seen: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    seen.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  return (pattern) => {
    const line = seen.find((l) => pattern.test(l));
    return line !== undefined
      ? Promise.resolve(line)
      : new Promise((resolve) => waiters.push({ pattern, resolve }));
  };
}

describe('npx wecom-emulator: the emulator for an app, not a test', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  });

  it('prints the environment to run an app with, serves it, and logs each upload', async () => {
    child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = linesOf(child);
    const env = await line(/^\s+WECOM_BASE_URL=/);
    const vars = Object.fromEntries(
      env
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(Object.keys(vars)).toEqual(['WECOM_BASE_URL', 'WECOM_CORP_ID', 'WECOM_CORP_SECRET']);

    // The README's module options, with the printed environment.
    const app = await bootRootApp({
      imports: [
        WecomMediaModule.forRoot({
          corpId: vars.WECOM_CORP_ID!,
          corpSecret: vars.WECOM_CORP_SECRET!,
          baseUrl: vars.WECOM_BASE_URL,
        }),
      ],
    });
    try {
      const { mediaId } = await app.service.upload({
        file: makePng(800, 600),
        filename: '春季新品.png',
        mediaType: MediaType.Image,
        attachmentType: AttachmentType.ProductAlbum,
      });
      const logged = await line(/upload_attachment/);
      expect(logged).toContain('"春季新品.png"');
      expect(logged).toContain(`media_id ${mediaId}`);
      expect(logged).not.toMatch(/access_token=(?!\*)/); // tokens masked
    } finally {
      await app.close();
    }
  });

  it('says what to do when the port is taken', async () => {
    const first = spawn(process.execPath, [cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await linesOf(first)(/^WeCom emulator on /);
      const port = /127\.0\.0\.1:(\d+)/.exec(url)?.[1] ?? '';
      child = spawn(process.execPath, [cli, '--port', port], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} is taken: pick another with --port`);
    } finally {
      first.kill('SIGINT');
      await once(first, 'exit');
    }
  });
});

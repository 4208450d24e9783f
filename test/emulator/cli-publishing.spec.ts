import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { albumImage, callerOf, image } from './publishing-calls.js';

const cli = join(import.meta.dirname, '..', '..', 'dist', 'testing', 'cli.js');

/** The CLI's stdout lines as they come, and a way to wait for the next one matching a pattern. */
function linesOf(child: ChildProcess): (pattern: RegExp) => Promise<string> {
  const unread: string[] = [];
  let waiter: { pattern: RegExp; resolve: (line: string) => void } | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (waiter?.pattern.test(line)) {
      waiter.resolve(line);
      waiter = undefined;
    } else unread.push(line);
  });
  return (pattern) => {
    const at = unread.findIndex((l) => pattern.test(l));
    if (at >= 0) return Promise.resolve(unread.splice(0, at + 1).at(-1)!);
    unread.length = 0;
    return new Promise((resolve) => (waiter = { pattern, resolve }));
  };
}

describe('npx wecom-emulator logs the publishing calls, one line each', () => {
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      await once(child, 'exit');
    }
  });

  it('names what each call asked and the ids it got', async () => {
    child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = linesOf(child);
    const env = await line(/^\s+WECOM_BASE_URL=/);
    const vars = Object.fromEntries(
      env
        .trim()
        .split(/\s+/)
        .map((p) => p.split('=')),
    );
    const c = await callerOf({
      url: vars.WECOM_BASE_URL,
      corpId: vars.WECOM_CORP_ID,
      corpSecret: vars.WECOM_CORP_SECRET,
    });
    const png = await c.upload('png');
    const { jobid } = await c.post('add_moment_task', {
      text: { content: '春季新品' },
      attachments: [image(png), image(png)],
    });
    expect(await line(/add_moment_task/)).toBe(
      `POST add_moment_task 2 image, text of 4 chars → errcode 0, jobid ${String(jobid)}`,
    );
    for (const status of [1, 2]) {
      await c.get('get_moment_task_result', { jobid: String(jobid) });
      expect(await line(/get_moment_task_result/)).toBe(
        `GET get_moment_task_result jobid ${String(jobid)} → errcode 0, status ${status}`,
      );
    }
    await c.get('get_moment_task_result', { jobid: String(jobid) });
    expect(await line(/get_moment_task_result/)).toMatch(
      new RegExp(`^GET get_moment_task_result jobid ${jobid} → errcode 0, status 3, moment_id mom`),
    );

    const albumPng = await c.upload('png', 2);
    const body = { description: '新品', price: 100, attachments: [albumImage(albumPng)] };
    const { product_id } = await c.post('add_product_album', body);
    expect(await line(/add_product_album/)).toBe(
      `POST add_product_album price 100, 1 image → errcode 0, product_id ${String(product_id)}`,
    );
    await c.post('delete_product_album', { product_id });
    expect(await line(/delete_product_album/)).toBe(
      `POST delete_product_album product_id ${String(product_id)} → errcode 0`,
    );
    await c.post('get_product_album_list', { limit: 10 });
    expect(await line(/get_product_album_list/)).toBe(
      'POST get_product_album_list limit 10 → errcode 0, 0 products',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../lib/client/call-limits.js';

/** A task that runs until `release()` is called, and says when it started. */
function held(): { task: () => Promise<void>; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let start!: () => void;
  const started = new Promise<void>((r) => (start = r));
  const done = new Promise<void>((r) => (release = r));
  return {
    task: () => {
      start();
      return done;
    },
    started,
    release,
  };
}

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, the rest in the order they came', async () => {
    const line = new Semaphore(2);
    const tasks = [held(), held(), held(), held()];
    const order: number[] = [];
    const runs = tasks.map((t, i) =>
      line.run(async () => {
        order.push(i);
        await t.task();
      }),
    );
    await Promise.all([tasks[0]?.started, tasks[1]?.started]);
    expect(order).toEqual([0, 1]);
    tasks[1]?.release();
    await tasks[2]?.started;
    expect(order).toEqual([0, 1, 2]);
    tasks[0]?.release();
    await tasks[3]?.started;
    tasks[2]?.release();
    tasks[3]?.release();
    await Promise.all(runs);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('a waiter whose signal aborts leaves the line and never runs; the place goes on', async () => {
    const line = new Semaphore(1);
    const first = held();
    const running = line.run(first.task);
    await first.started;
    const stop = new AbortController();
    let ran = false;
    const leaving = line.run(async () => {
      ran = true;
    }, stop.signal);
    const next = held();
    const after = line.run(next.task);
    stop.abort(new Error('gone'));
    await expect(leaving).rejects.toThrow('gone');
    first.release();
    await next.started; // the aborted waiter did not take the place
    next.release();
    await Promise.all([running, after]);
    expect(ran).toBe(false);
  });

  it('frees the place when a task fails', async () => {
    const line = new Semaphore(1);
    await expect(line.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await line.run(() => Promise.resolve('next'))).toBe('next');
  });

  it('refuses at once with a signal already aborted', async () => {
    const line = new Semaphore(1);
    await expect(
      line.run(() => Promise.resolve(), AbortSignal.abort(new Error('late'))),
    ).rejects.toThrow('late');
  });
});

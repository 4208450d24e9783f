import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../lib/index.js';

describe('MemoryStore', () => {
  it('expires entries, compares before deleting, and leases locks', async () => {
    let now = 1_000;
    const store = new MemoryStore(() => now);
    await store.set('k', 'v', 100);
    expect(await store.compareAndDelete('k', 'other')).toBe(false);
    expect(await store.get('k')).toBe('v');
    expect(await store.compareAndDelete('k', 'v')).toBe(true);
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', 'v', 100);
    now += 100;
    expect(await store.get('k')).toBeUndefined();

    expect(await store.acquireLock('lock', 'a', 50)).toBe(true);
    expect(await store.acquireLock('lock', 'b', 50)).toBe(false);
    now += 50; // the holder died: its lease runs out
    expect(await store.acquireLock('lock', 'b', 50)).toBe(true);
    expect(await store.compareAndDelete('lock', 'a')).toBe(false);
    expect(await store.compareAndDelete('lock', 'b')).toBe(true);
  });
});

import { readFile, rename, writeFile } from 'node:fs/promises';
import type { WecomStore } from '../../store/wecom-store.interface.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * The CLI's memory of keys without Redis: a JSON file beside the catalogue, written whole (to a
 * temporary file, then renamed) after every change, so that a run stopped at any point leaves the
 * last state that was reached. One CLI process at a time per file.
 */
export class StateFile implements WecomStore {
  private entries = new Map<string, Entry>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string) {}

  /** The state of `path`; a missing file is an empty state. */
  static async open(path: string): Promise<StateFile> {
    const state = new StateFile(path);
    try {
      const saved = JSON.parse(await readFile(path, 'utf8')) as Record<string, Entry>;
      state.entries = new Map(Object.entries(saved));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cannot read the state file ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return state;
  }

  get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    return Promise.resolve(entry && entry.expiresAt > Date.now() ? entry.value : undefined);
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    return this.save();
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return this.save();
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if ((await this.get(key)) !== expected) return false;
    await this.delete(key);
    return true;
  }

  async acquireLock(key: string, owner: string, leaseMs: number): Promise<boolean> {
    if ((await this.get(key)) !== undefined) return false;
    await this.set(key, owner, leaseMs);
    return true;
  }

  /** Writes the state after the writes before it; each write is whole or not at all. */
  private save(): Promise<void> {
    const now = Date.now();
    const live = [...this.entries].filter(([, e]) => e.expiresAt > now);
    const text = `${JSON.stringify(Object.fromEntries(live), null, 1)}\n`;
    this.writing = this.writing.then(async () => {
      await writeFile(`${this.path}.tmp`, text, { mode: 0o600 });
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writing;
  }
}

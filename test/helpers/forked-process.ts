import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/**
 * A script of test/replicas forked with its config (JSON, the first argument), ready once it
 * says `{ ready: true }` over IPC; it exits when told `{ cmd: 'exit' }`.
 */
export class ForkedProcess {
  protected constructor(readonly child: ChildProcess) {}

  /** Forks `script` (relative to the repository) and waits until it is ready. */
  protected static async forkReady(
    script: string,
    config: unknown,
    what: string,
  ): Promise<ChildProcess> {
    const child = fork(join(root, script), [JSON.stringify(config)], {
      cwd: root,
      stdio: 'inherit',
    });
    const [message] = (await once(child, 'message')) as [{ ready?: boolean }];
    if (!message.ready) throw new Error(`the ${what} did not start`);
    return child;
  }

  /** Closes the process's app (letting its work finish) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ cmd: 'exit' });
    await exited;
  }

  /** Kills the process at once (SIGKILL): nothing of its finishes, no lock is released. */
  async kill(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { makePng } from './media-bytes.mjs';
import { RedisServer } from './redis-server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** What a replica uploads: a 64 × 64 PNG, base64 over IPC. */
const png = makePng(64, 64).toString('base64');

/** What a replica answers to an upload command. */
export interface UploadReport {
  ok: number;
  errors: string[];
  failures: Array<{ name: string; errcode?: number; local?: boolean; attempts?: number }>;
}

/** A replica process running the built package; see test/replicas/replica.mjs. */
export class Replica {
  private constructor(readonly child: ChildProcess) {}

  static async start(config: Record<string, unknown>): Promise<Replica> {
    const child = fork(join(root, 'test/replicas/replica.mjs'), [JSON.stringify(config)], {
      cwd: root,
      stdio: 'inherit',
    });
    const [message] = (await once(child, 'message')) as [{ ready?: boolean }];
    if (!message.ready) throw new Error('the replica did not start');
    return new Replica(child);
  }

  /** Uploads `count` at once for the default corp, or as many for each corp as `corps` says. */
  async upload(count: number, corps?: Record<string, number>): Promise<UploadReport> {
    const answer = once(this.child, 'message') as Promise<[UploadReport]>;
    this.child.send({ cmd: 'upload', count, png, corps });
    return (await answer)[0];
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.send({ cmd: 'exit' });
    await exited;
  }

  async kill(): Promise<void> {
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The Redis server of a describe block, and its replicas, stopped after each test; Redis is
 * started again after a test that stopped it (`stopRedis`), empty as a restarted one is.
 */
export function replicaFleet(): ReplicaFleet {
  let stopped = false;
  const fleet: ReplicaFleet = {
    redis: undefined as unknown as RedisServer,
    replicas: [],
    stopRedis: async () => {
      stopped = true;
      await fleet.redis.stop();
    },
  };
  beforeAll(async () => {
    fleet.redis = await RedisServer.start();
  });
  afterAll(() => fleet.redis?.stop());
  afterEach(async () => {
    await Promise.all(fleet.replicas.map((r) => r.stop()));
    fleet.replicas = [];
    if (stopped) await fleet.redis.resume();
    stopped = false;
  });
  return fleet;
}

/** See {@link replicaFleet}. */
export interface ReplicaFleet {
  redis: RedisServer;
  replicas: Replica[];
  /** Stops Redis (SIGKILL, as a crash); it is started again, empty, after the test. */
  stopRedis(): Promise<void>;
}

import { once } from 'node:events';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ForkedProcess } from './forked-process.js';
import { makePng } from './media-bytes.mjs';
import { RedisServer } from './redis-server.mjs';

/** What a replica uploads: a 64 × 64 PNG, base64 over IPC. */
const png = makePng(64, 64).toString('base64');

/** What a replica answers to an upload command. */
export interface UploadReport {
  ok: number;
  errors: string[];
  failures: Array<{ name: string; errcode?: number; local?: boolean; attempts?: number }>;
}

/** A replica process running the built package; see test/replicas/replica.mjs. */
export class Replica extends ForkedProcess {
  static async start(config: Record<string, unknown>): Promise<Replica> {
    const child = await ForkedProcess.forkReady('test/replicas/replica.mjs', config, 'replica');
    return new Replica(child);
  }

  /** Uploads `count` at once for the default corp, or as many for each corp as `corps` says. */
  async upload(count: number, corps?: Record<string, number>): Promise<UploadReport> {
    const answer = once(this.child, 'message') as Promise<[UploadReport]>;
    this.child.send({ cmd: 'upload', count, png, corps });
    return (await answer)[0];
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

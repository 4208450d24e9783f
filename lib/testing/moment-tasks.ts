import { randomBytes } from 'node:crypto';
import type { WecomAnswer } from './wecom-answer.js';
import type {
  EmulatorInvalidTargets,
  EmulatorMoment,
  EmulatorMomentAttachment,
  EmulatorVisibleRange,
} from './published.interface.js';
import { ERRMSG } from './wecom-tables.js';

/** What add_moment_task asked for, once judged valid. */
export interface MomentContent {
  text?: string;
  attachments: EmulatorMomentAttachment[];
  visibleRange?: EmulatorVisibleRange;
}

/** How a task ends: with an errcode in its result, or never (held at a status). */
type Outcome = { errcode: number } | { stallAt: 1 | 2 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A task with what the emulator needs to answer its polls. */
interface Job {
  moment: Mutable<EmulatorMoment>;
  polls: number;
  outcome?: Outcome;
  invalid: { users: string[]; departments: number[]; tags: string[] };
}

/** Ids that WeCom reports invalid: those starting with `invalid`, and the configured ones. */
const startsInvalid = (id: string): boolean => id.startsWith('invalid');

/**
 * The moment tasks (https://developer.work.weixin.qq.com/document/path/95095): each runs started
 * (1) → creating (2) → done (3), one step per `pollsPerStep` polls of get_moment_task_result, and
 * ends as the queued outcomes say: done with errcode 0, done with another errcode, or never.
 */
export class MomentTasks {
  private readonly jobs = new Map<string, Job>();
  private readonly momentIds = new Map<string, Job>();
  /** Every task, oldest first: the emulator's `moments`. */
  readonly list: EmulatorMoment[] = [];
  private readonly outcomes: Array<{ outcome: Outcome; corpId?: string }> = [];

  constructor(
    private readonly pollsPerStep: number,
    private readonly invalidTargets: EmulatorInvalidTargets,
  ) {}

  /** Starts a task for `corpId`; returns its jobid. */
  create(corpId: string, content: MomentContent): string {
    const jobId = randomBytes(24).toString('base64url'); // ≤ 64 bytes, like WeCom's
    const moment: Mutable<EmulatorMoment> = {
      corpId,
      jobId,
      status: 1,
      ...content,
      cancelled: false,
      createdAt: Date.now(),
    };
    const { users = [], departments = [], tags = [] } = this.invalidTargets;
    const senders = content.visibleRange?.sender_list;
    const invalid = {
      users: (senders?.user_list ?? []).filter((u) => startsInvalid(u) || users.includes(u)),
      departments: (senders?.department_list ?? []).filter((d) => departments.includes(d)),
      tags: (content.visibleRange?.external_contact_list?.tag_list ?? []).filter(
        (t) => startsInvalid(t) || tags.includes(t),
      ),
    };
    const job: Job = { moment, polls: 0, outcome: this.takeOutcome(corpId), invalid };
    this.jobs.set(jobId, job);
    this.list.push(moment);
    return jobId;
  }

  /**
   * get_moment_task_result for `jobId` asked by `corpId`: 40088 (jobid不存在) for a jobid this
   * corp never got, else the status this poll sees, with the result once it is 3.
   */
  poll(jobId: string, corpId: string): WecomAnswer {
    const job = this.jobs.get(jobId);
    if (!job || job.moment.corpId !== corpId) return { errcode: 40088 };
    const n = this.pollsPerStep;
    const reached = job.polls < n ? 1 : job.polls < 2 * n ? 2 : 3;
    job.polls += 1;
    const { moment, outcome } = job;
    moment.status =
      outcome && 'stallAt' in outcome && outcome.stallAt < reached ? outcome.stallAt : reached;
    const answer: WecomAnswer = { errcode: 0, status: moment.status, type: 'add_moment_task' };
    if (moment.status !== 3) return answer;
    const errcode = outcome && 'errcode' in outcome ? outcome.errcode : 0;
    if (moment.errcode === undefined) {
      moment.errcode = errcode;
      if (errcode === 0) {
        moment.momentId = `mom${randomBytes(24).toString('base64url')}`;
        this.momentIds.set(moment.momentId, job);
      }
    }
    // A task that failed created no moment: its result has no moment_id (an assumption).
    answer.result = {
      errcode,
      errmsg: ERRMSG[errcode] ?? 'error',
      ...(moment.momentId === undefined ? {} : { moment_id: moment.momentId }),
      invalid_sender_list: {
        user_list: job.invalid.users,
        department_list: job.invalid.departments,
      },
      invalid_external_contact_list: { tag_list: job.invalid.tags },
    };
    return answer;
  }

  /**
   * cancel_moment_task (https://developer.work.weixin.qq.com/document/path/97612): 41060 for a
   * moment_id this corp does not have, else the moment is cancelled (again: still 0, assumed).
   */
  cancel(momentId: string, corpId: string): number {
    const job = this.momentIds.get(momentId);
    if (!job || job.moment.corpId !== corpId) return 41060;
    job.moment.cancelled = true;
    return 0;
  }

  /** The next `times` tasks (of `corpId`, when given) end in `outcome`. */
  queue(outcome: Outcome, times: number, corpId?: string): void {
    for (let i = 0; i < times; i++) this.outcomes.push({ outcome, corpId });
  }

  /** Forgets tasks and queued outcomes. */
  clear(): void {
    this.jobs.clear();
    this.momentIds.clear();
    this.list.length = 0;
    this.outcomes.length = 0;
  }

  /** The first outcome queued for `corpId`, else the first queued for every corp. */
  private takeOutcome(corpId: string): Outcome | undefined {
    let at = this.outcomes.findIndex((o) => o.corpId === corpId);
    if (at < 0) at = this.outcomes.findIndex((o) => o.corpId === undefined);
    return at < 0 ? undefined : this.outcomes.splice(at, 1)[0]?.outcome;
  }
}

import { beforeEach, describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { callerOf, image, type Answer, type Caller } from './publishing-calls.js';

const OTHER = { corpId: 'wwemuother000002', corpSecret: 'other-secret' };

describe('moment tasks: get_moment_task_result, the task faults and cancel_moment_task', () => {
  const s = emulatorSuite({
    app: false,
    emulator: { apps: [WecomEmulator.DEFAULT_APP, OTHER] },
  });
  let c: Caller;
  let png: string;
  beforeEach(async () => {
    c = await callerOf(s.emulator);
    png = await c.upload('png');
  });
  const poll = (jobid: unknown, caller = c): Promise<Answer> =>
    caller.get('get_moment_task_result', { jobid: String(jobid) });

  it('runs a task 1 → 2 → 3, a step a poll, with the result and the invalid targets only at 3', async () => {
    const { jobid } = await c.post('add_moment_task', {
      attachments: [image(png)],
      visible_range: {
        sender_list: { user_list: ['zhangsan', 'invalid-lisi'], department_list: [2] },
        external_contact_list: { tag_list: ['etA', 'invalid-tag'] },
      },
    });
    const polls = [await poll(jobid), await poll(jobid), await poll(jobid), await poll(jobid)];
    expect(polls.map((p) => p.status)).toEqual([1, 2, 3, 3]);
    expect(polls[0]).toEqual({ errcode: 0, errmsg: 'ok', status: 1, type: 'add_moment_task' });
    expect(polls[1]).not.toHaveProperty('result');
    const result = {
      errcode: 0,
      errmsg: 'ok',
      moment_id: expect.stringMatching(/^mom/),
      invalid_sender_list: { user_list: ['invalid-lisi'], department_list: [] },
      invalid_external_contact_list: { tag_list: ['invalid-tag'] },
    };
    expect(polls[2]).toEqual({
      errcode: 0,
      errmsg: 'ok',
      status: 3,
      type: 'add_moment_task',
      result,
    });
    expect(polls[3]).toEqual(polls[2]);
    const momentId = (polls[2]?.result as Answer | undefined)?.moment_id;
    expect(s.emulator.moments[0]).toMatchObject({ jobId: jobid, status: 3, errcode: 0, momentId });
  });

  it('ends a task with the errcode failNextMomentTask gives, once, and no moment_id', async () => {
    s.emulator.failNextMomentTask(-1);
    const failed = await c.post('add_moment_task', { text: { content: 'a' } });
    const fine = await c.post('add_moment_task', { text: { content: 'b' } });
    await poll(failed.jobid);
    await poll(failed.jobid);
    expect(await poll(failed.jobid)).toMatchObject({
      status: 3,
      result: { errcode: -1, errmsg: 'system busy', invalid_sender_list: { user_list: [] } },
    });
    expect((await poll(failed.jobid)).result).not.toHaveProperty('moment_id');
    for (let i = 0; i < 2; i++) await poll(fine.jobid);
    expect(await poll(fine.jobid)).toMatchObject({ result: { errcode: 0 } });
    expect(s.emulator.moments.map((x) => [x.errcode, x.momentId !== undefined])).toEqual([
      [-1, false],
      [0, true],
    ]);
  });

  it('holds a task that never finishes at the status stallNextMomentTask gives', async () => {
    s.emulator.stallNextMomentTask(1).stallNextMomentTask();
    const started = await c.post('add_moment_task', { text: { content: 'a' } });
    const creating = await c.post('add_moment_task', { text: { content: 'b' } });
    const statuses = async (jobid: unknown) => {
      const seen: unknown[] = [];
      for (let i = 0; i < 5; i++) seen.push((await poll(jobid)).status);
      return seen;
    };
    expect(await statuses(started.jobid)).toEqual([1, 1, 1, 1, 1]);
    expect(await statuses(creating.jobid)).toEqual([1, 2, 2, 2, 2]);
  });

  it('takes an outcome queued for one corp only for that corp', async () => {
    const other = await callerOf({ url: s.emulator.url, ...OTHER });
    s.emulator.failNextMomentTask(45009, 1, OTHER.corpId);
    const mine = await c.post('add_moment_task', { text: { content: 'a' } });
    const theirs = await other.post('add_moment_task', { text: { content: 'b' } });
    for (let i = 0; i < 2; i++) await Promise.all([poll(mine.jobid), poll(theirs.jobid, other)]);
    expect((await poll(mine.jobid)).result).toMatchObject({ errcode: 0 });
    expect((await poll(theirs.jobid, other)).result).toMatchObject({ errcode: 45009 });
  });

  it('cancels a published moment, and refuses moment_ids and jobids this corp does not have', async () => {
    const other = await callerOf({ url: s.emulator.url, ...OTHER });
    const { jobid } = await c.post('add_moment_task', { text: { content: 'a' } });
    for (let i = 0; i < 2; i++) await poll(jobid);
    const momentId = ((await poll(jobid)).result as Answer).moment_id;

    expect((await poll(jobid, other)).errcode).toBe(40088);
    expect((await poll('no-such-job')).errcode).toBe(40088);
    expect((await c.get('get_moment_task_result', {})).errcode).toBe(40063);
    expect((await other.post('cancel_moment_task', { moment_id: momentId })).errcode).toBe(41060);
    expect((await c.post('cancel_moment_task', { moment_id: 'momnope' })).errcode).toBe(41060);
    expect((await c.post('cancel_moment_task', {})).errcode).toBe(41059);
    expect(s.emulator.moments[0]?.cancelled).toBe(false);

    expect(await c.post('cancel_moment_task', { moment_id: momentId })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    expect((await c.post('cancel_moment_task', { moment_id: momentId })).errcode).toBe(0);
    expect(s.emulator.moments[0]?.cancelled).toBe(true);
  });

  it('checks the token, takes queued faults, and records each body and answer', async () => {
    const noToken = await fetch(`${s.emulator.url}/cgi-bin/externalcontact/add_moment_task`, {
      method: 'POST',
      body: '{}',
    });
    expect(((await noToken.json()) as Answer).errcode).toBe(41001);
    s.emulator.failNext('add_moment_task', 45009).failNext('get_moment_task_result', -1);
    const body = { text: { content: 'a' } };
    expect((await c.post('add_moment_task', body)).errcode).toBe(45009);
    expect(s.emulator.moments).toEqual([]);
    const { jobid } = await c.post('add_moment_task', body);
    expect((await poll(jobid)).errcode).toBe(-1);
    expect((await poll(jobid)).status).toBe(1); // a faulted poll moved nothing
    s.emulator.expireTokens();
    expect((await poll(jobid)).errcode).toBe(42001);

    const [, refused, accepted] = s.emulator.callsOf('add_moment_task');
    expect(refused).toMatchObject({ corpId: s.emulator.corpId, json: body, errcode: 45009 });
    expect(accepted?.answer).toEqual({ errcode: 0, errmsg: 'ok', jobid });
    expect(accepted?.query.access_token).toBe('***');
  });
});

describe('moment tasks, configured', () => {
  const s = emulatorSuite({
    app: false,
    emulator: {
      pollsPerMomentStep: 2,
      invalidTargets: { users: ['wangwu'], departments: [3], tags: ['etB'] },
    },
  });

  it('takes pollsPerMomentStep polls a step, and reports the configured invalid targets', async () => {
    const c = await callerOf(s.emulator);
    const { jobid } = await c.post('add_moment_task', {
      text: { content: 'a' },
      visible_range: {
        sender_list: { user_list: ['zhangsan', 'wangwu', 'invalid1'], department_list: [2, 3] },
        external_contact_list: { tag_list: ['etA', 'etB'] },
      },
    });
    const polls: Answer[] = [];
    for (let i = 0; i < 5; i++)
      polls.push(await c.get('get_moment_task_result', { jobid: String(jobid) }));
    expect(polls.map((p) => p.status)).toEqual([1, 1, 2, 2, 3]);
    expect(polls[4]?.result).toMatchObject({
      invalid_sender_list: { user_list: ['wangwu', 'invalid1'], department_list: [3] },
      invalid_external_contact_list: { tag_list: ['etB'] },
    });
  });

  it('refuses a pollsPerMomentStep that is no whole number ≥ 0', async () => {
    await expect(WecomEmulator.start({ pollsPerMomentStep: -1 })).rejects.toThrow(RangeError);
    const done = await WecomEmulator.start({ pollsPerMomentStep: 0 });
    try {
      const c = await callerOf(done);
      const { jobid } = await c.post('add_moment_task', { text: { content: 'a' } });
      expect((await c.get('get_moment_task_result', { jobid: String(jobid) })).status).toBe(3);
    } finally {
      await done.close();
    }
  });
});

import { WecomProtocolError } from '../errors/wecom-transport.error.js';
import type { WecomHttpClient, WecomResponseBase } from './wecom-http.client.js';
import { jsonBody, spanName, type CorpCall } from './wecom-request.js';
import { traced } from '../operations/telemetry/wecom-telemetry.js';

// 企业发表内容到客户的朋友圈 (developer.work.weixin.qq.com/document/path/95094, 95095, 97612).
export const ADD_MOMENT_TASK = '/cgi-bin/externalcontact/add_moment_task';
export const GET_MOMENT_TASK_RESULT = '/cgi-bin/externalcontact/get_moment_task_result';
export const CANCEL_MOMENT_TASK = '/cgi-bin/externalcontact/cancel_moment_task';

/** One attachment of a moment, as WeCom takes it. */
export type MomentAttachmentBody =
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'video'; video: { media_id: string } }
  | { msgtype: 'link'; link: { title: string; url: string; media_id?: string } };

/** add_moment_task's body. */
export interface MomentTaskBody {
  text?: { content: string };
  attachments?: MomentAttachmentBody[];
  visible_range?: {
    sender_list?: { user_list?: string[]; department_list?: number[] };
    external_contact_list?: { tag_list?: string[] };
  };
}

/** Where a moment task stands: 1 started, 2 creating, 3 done (with its result). */
export interface MomentTaskState {
  status: 1 | 2 | 3;
  result?: {
    errcode: number;
    errmsg: string;
    momentId?: string;
    invalidSenders: { userIds: string[]; departmentIds: number[] };
    invalidCustomerTagIds: string[];
  };
}

interface TaskResultAnswer extends WecomResponseBase {
  status?: unknown;
  result?: {
    errcode?: unknown;
    errmsg?: unknown;
    moment_id?: unknown;
    invalid_sender_list?: { user_list?: unknown; department_list?: unknown };
    invalid_external_contact_list?: { tag_list?: unknown };
  };
}

/** Starts a moment task; resolves with its jobid (valid for 24 h). */
export async function addMomentTask(
  client: WecomHttpClient,
  call: CorpCall,
  body: MomentTaskBody,
): Promise<string> {
  return traced(spanName(ADD_MOMENT_TASK), { 'wecom.corp_id': call.corpId }, async (span) => {
    const answer = await client.request<WecomResponseBase & { jobid?: unknown }>({
      api: ADD_MOMENT_TASK,
      method: 'POST',
      query: {},
      ...call,
      body: jsonBody(body),
      once: true,
    });
    if (typeof answer.jobid !== 'string' || answer.jobid === '') {
      throw new WecomProtocolError(ADD_MOMENT_TASK, 200, 'a success answer without jobid');
    }
    span?.setAttribute('wecom.job_id', answer.jobid);
    return answer.jobid;
  });
}

/** One poll of a moment task. */
export async function getMomentTaskResult(
  client: WecomHttpClient,
  call: CorpCall,
  jobId: string,
): Promise<MomentTaskState> {
  const attributes = { 'wecom.corp_id': call.corpId, 'wecom.job_id': jobId };
  return traced(spanName(GET_MOMENT_TASK_RESULT), attributes, async (span) => {
    const state = await taskResult(client, call, jobId);
    span?.setAttribute('wecom.task_status', state.status);
    return state;
  });
}

async function taskResult(
  client: WecomHttpClient,
  call: CorpCall,
  jobId: string,
): Promise<MomentTaskState> {
  const answer = await client.request<TaskResultAnswer>({
    api: GET_MOMENT_TASK_RESULT,
    method: 'GET',
    query: { jobid: jobId },
    ...call,
  });
  const { status, result } = answer;
  if (status !== 1 && status !== 2 && status !== 3) {
    throw new WecomProtocolError(GET_MOMENT_TASK_RESULT, 200, 'a status that is not 1, 2 or 3');
  }
  if (status !== 3) return { status };
  if (typeof result !== 'object' || result === null) {
    throw new WecomProtocolError(GET_MOMENT_TASK_RESULT, 200, 'a finished task without its result');
  }
  const errcode = result.errcode ?? 0;
  if (typeof errcode !== 'number' || !Number.isSafeInteger(errcode)) {
    throw new WecomProtocolError(
      GET_MOMENT_TASK_RESULT,
      200,
      'a result whose errcode is no number',
    );
  }
  // Done, without error, must name the moment: else there is nothing to cancel or to show.
  const momentId = result.moment_id;
  if (errcode === 0 && (typeof momentId !== 'string' || momentId === '')) {
    throw new WecomProtocolError(GET_MOMENT_TASK_RESULT, 200, 'a finished task without moment_id');
  }
  return {
    status,
    result: {
      errcode,
      errmsg: typeof result.errmsg === 'string' ? result.errmsg : '',
      ...(typeof momentId === 'string' && momentId !== '' ? { momentId } : {}),
      invalidSenders: {
        userIds: strings(result.invalid_sender_list?.user_list),
        departmentIds: numbers(result.invalid_sender_list?.department_list),
      },
      invalidCustomerTagIds: strings(result.invalid_external_contact_list?.tag_list),
    },
  };
}

/** Stops a moment from being sent to more customers (doc 97612). */
export async function cancelMomentTask(
  client: WecomHttpClient,
  call: CorpCall,
  momentId: string,
): Promise<void> {
  await traced(spanName(CANCEL_MOMENT_TASK), { 'wecom.corp_id': call.corpId }, () =>
    client.request({
      api: CANCEL_MOMENT_TASK,
      method: 'POST',
      query: {},
      ...call,
      body: jsonBody({ moment_id: momentId }),
    }),
  );
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const numbers = (value: unknown): number[] =>
  Array.isArray(value) ? value.map(Number).filter((v) => Number.isInteger(v)) : [];

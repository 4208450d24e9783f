import type { AccessTokens } from './access-tokens.js';
import { LIMIT_ERRCODE, type Admission, type CallLimits } from './call-limits.js';
import type { Exchange } from './exchange.js';
import type { Fault, FaultInjector } from './fault-injector.js';
import { gettoken } from './gettoken.handler.js';
import { corpOfBody, getCorpToken, getSuiteToken } from './suite-token.handlers.js';
import type { Publishing } from './publishing.js';
import type { RecordedRequest } from './recorded-request.interface.js';
import { recordedJson, type RequestRecorder } from './request-recorder.js';
import {
  uploadAttachment,
  type UploadCall,
  type UploadOutcome,
} from './upload-attachment.handler.js';
import { wecomBody, wecomJson } from './wecom-answer.js';
import type {
  EmulatorApi,
  EmulatorApp,
  EmulatorSuite,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
import { DEFAULT_TOKEN_TTL_SECONDS, PUBLISHING_APIS } from './wecom-tables.js';

/** The parts of the emulator a request goes through. */
export interface RequestHandlerParts {
  recorder: RequestRecorder;
  faults: FaultInjector;
  /** Access tokens, each bound to its corp. */
  tokens: AccessTokens;
  /** Suite access tokens, each bound to its suite. */
  suiteTokens: AccessTokens;
  /** The frequency limits, and what each corp's calls of each API came to. */
  limits: CallLimits;
  apps: readonly EmulatorApp[];
  suites: readonly EmulatorSuite[];
  /** The media_ids issued, and the moments and albums published with them. */
  publishing: Publishing;
  options: WecomEmulatorOptions;
}

/**
 * The life of one request: announced, then a fault or the body, the delay, the answer of the API's
 * handler, and the record. Every request is recorded exactly once, answered or not.
 */
export class RequestHandler {
  constructor(private readonly parts: RequestHandlerParts) {}

  async handle(exchange: Exchange, api: EmulatorApi | undefined): Promise<void> {
    const { recorder } = this.parts;
    const record = recorder.open(api ?? exchange.path, exchange.req, exchange.query);
    // Recorded the moment the client hangs up, so that waitFor sees it before any delay ends.
    exchange.clientGone.addEventListener('abort', () => {
      record.closedByClient = true;
      recorder.record(record);
    });
    if (!api) {
      exchange.notFound();
      return recorder.record(record);
    }
    // The corp, where the query tells it: faults queued for one corp hit only its calls, and the
    // limits count its calls from their arrival.
    const corpId = this.corpOfQuery(api, exchange.query);
    if (corpId !== undefined) record.corpId = corpId;
    // Every admission is settled once the call is over, however it ends.
    const admissions: Admission[] = [];
    const admit = (corp: string): Admission => {
      const admission = this.parts.limits.arrive(api, corp);
      admissions.push(admission);
      return admission;
    };
    try {
      await this.serve(
        exchange,
        api,
        record,
        corpId === undefined ? undefined : admit(corpId),
        admit,
      );
    } finally {
      for (const admission of admissions) admission.done();
    }
  }

  /**
   * A fault or the body, the delay, then the answer: the limits' refusal, the fault, or the API's
   * handler's. `admit` counts a call whose corp only its body tells.
   */
  private async serve(
    exchange: Exchange,
    api: EmulatorApi,
    record: RecordedRequest,
    admission: Admission | undefined,
    admit: (corpId: string) => Admission,
  ): Promise<void> {
    const { recorder, faults } = this.parts;
    // A call over the limits is refused at WeCom's door: queued faults wait for the next one.
    let fault: Fault | undefined = admission?.refusal ? undefined : faults.next(api, record.corpId);
    if (fault === 'reset') {
      exchange.reset();
      return recorder.record(record);
    }
    const body = await exchange.body();
    if (exchange.clientGone.aborted) return;
    if (body === undefined) return recorder.record(record); // the emulator is closing
    if (api !== 'upload_attachment' && body.length > 0) record.json = recordedJson(body);
    if (api === 'get_corp_token') {
      const corpId = corpOfBody(body);
      if (corpId !== undefined) {
        record.corpId = corpId;
        admission = admit(corpId);
      }
      if (!admission?.refusal) fault ??= faults.nextFor(api, corpId);
      if (fault === 'reset') {
        exchange.reset();
        return recorder.record(record);
      }
    }
    await faults.pause(exchange.clientGone);
    if (exchange.clientGone.aborted) return;
    if (admission?.refusal) {
      record.limitedBy = admission.refusal;
      record.errcode = LIMIT_ERRCODE[admission.refusal];
      exchange.answerJson(wecomJson({ errcode: record.errcode }));
      return recorder.record(record);
    }
    if (typeof fault === 'object') {
      exchange.answerRaw(fault);
      return recorder.record(record);
    }
    const call = { headers: exchange.req.headers, query: exchange.query, body };
    const { answer, upload } = this.answer(api, fault, call);
    if (upload) record.upload = upload;
    record.errcode = answer.errcode;
    if (typeof answer.media_id === 'string') {
      record.mediaId = answer.media_id;
      // Issued only now that it is answered: the publishing APIs take it from here on.
      this.parts.publishing.media.record(answer.media_id, {
        corpId: record.corpId ?? '',
        mediaType: call.query.media_type ?? '',
        attachmentType: call.query.attachment_type ?? '',
        createdAt: Date.now(),
      });
    }
    const sent = wecomBody(answer);
    if (PUBLISHING_APIS.has(api)) record.answer = sent;
    exchange.answerJson(JSON.stringify(sent));
    recorder.record(record);
  }

  /** The corp a call acts for, as far as its query tells. */
  private corpOfQuery(api: EmulatorApi, query: Record<string, string>): string | undefined {
    if (api === 'gettoken') return query.corpid;
    if (api === 'upload_attachment' || PUBLISHING_APIS.has(api))
      return this.parts.tokens.ownerOf(query.access_token);
    return undefined;
  }

  /** A queued errcode wins, but an upload is still judged so that a failed attempt's body is recorded. */
  private answer(api: EmulatorApi, fault: number | undefined, call: UploadCall): UploadOutcome {
    const { tokens, suiteTokens, apps, suites, options } = this.parts;
    const judged =
      api === 'upload_attachment' ? uploadAttachment(call, tokens, options) : undefined;
    if (typeof fault === 'number') return { answer: { errcode: fault }, upload: judged?.upload };
    if (judged) return judged;
    if (PUBLISHING_APIS.has(api))
      return { answer: this.parts.publishing.answer(api, call, tokens) };
    const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    if (api === 'get_suite_token') {
      return { answer: getSuiteToken(call.body, suites, suiteTokens, ttl) };
    }
    if (api === 'get_corp_token') {
      return {
        answer: getCorpToken(call.query, call.body, suites, suiteTokens, tokens, ttl),
      };
    }
    return { answer: gettoken(call.query, apps, tokens, ttl) };
  }
}

import type { AccessTokens } from './access-tokens.js';
import type { Exchange } from './exchange.js';
import type { FaultInjector } from './fault-injector.js';
import { gettoken } from './gettoken.handler.js';
import type { RequestRecorder } from './request-recorder.js';
import {
  uploadAttachment,
  type UploadCall,
  type UploadOutcome,
} from './upload-attachment.handler.js';
import { wecomJson } from './wecom-answer.js';
import type {
  EmulatorApi,
  EmulatorApp,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
import { DEFAULT_TOKEN_TTL_SECONDS } from './wecom-tables.js';

/** The parts of the emulator a request goes through. */
export interface RequestHandlerParts {
  recorder: RequestRecorder;
  faults: FaultInjector;
  tokens: AccessTokens;
  apps: readonly EmulatorApp[];
  options: WecomEmulatorOptions;
}

/**
 * The life of one request: announced, then a fault or the body, the delay, the answer of the API's
 * handler, and the record. Every request is recorded exactly once, answered or not.
 */
export class RequestHandler {
  constructor(private readonly parts: RequestHandlerParts) {}

  async handle(exchange: Exchange, api: EmulatorApi | undefined): Promise<void> {
    const { recorder, faults } = this.parts;
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
    const fault = faults.next(api);
    if (fault === 'reset') {
      exchange.reset();
      return recorder.record(record);
    }
    const body = await exchange.body();
    if (exchange.clientGone.aborted) return;
    if (body === undefined) return recorder.record(record); // the emulator is closing
    await faults.pause(exchange.clientGone);
    if (exchange.clientGone.aborted) return;
    if (typeof fault === 'object') {
      exchange.answerRaw(fault);
      return recorder.record(record);
    }
    const call = { headers: exchange.req.headers, query: exchange.query, body };
    const { answer, upload } = this.answer(api, fault, call);
    if (upload) record.upload = upload;
    record.errcode = answer.errcode;
    if (typeof answer.media_id === 'string') record.mediaId = answer.media_id;
    exchange.answerJson(wecomJson(answer));
    recorder.record(record);
  }

  /** A queued errcode wins, but an upload is still judged so that a failed attempt's body is recorded. */
  private answer(api: EmulatorApi, fault: number | undefined, call: UploadCall): UploadOutcome {
    const { tokens, apps, options } = this.parts;
    const judged =
      api === 'upload_attachment' ? uploadAttachment(call, tokens, options) : undefined;
    if (typeof fault === 'number') return { answer: { errcode: fault }, upload: judged?.upload };
    const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
    return judged ?? { answer: gettoken(call.query, apps, tokens, ttl) };
  }
}

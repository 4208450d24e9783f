import { EventEmitter } from 'node:events';
import { AccessTokens } from './access-tokens.js';
import { EmulatorServer } from './emulator-server.js';
import { FaultInjector } from './fault-injector.js';
import type { RecordedRequest } from './recorded-request.interface.js';
import { RequestHandler } from './request-handler.js';
import { RequestRecorder } from './request-recorder.js';
import type {
  EmulatorApi,
  EmulatorApp,
  EmulatorFaults,
  RawAnswer,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
import { API_PATHS } from './wecom-tables.js';

/**
 * A WeCom API on 127.0.0.1 for tests and the sample, so that nobody needs a real corp to test an
 * upload: `gettoken` with corp id and secret checks and expiring tokens, and `upload_attachment`
 * that parses the multipart body strictly (part `media`, `filename`, `filelength`, Content-Length,
 * no chunking) and applies the size rules. It records every request and injects faults on demand.
 * Emits `arrival` with the API name as a request comes in, and `request` with each
 * {@link RecordedRequest} once it is answered, dropped, or abandoned by the client.
 *
 * @publicApi
 */
export class WecomEmulator extends EventEmitter<{ request: [RecordedRequest]; arrival: [string] }> {
  /** The app an emulator started without `apps` knows. */
  static readonly DEFAULT_APP: EmulatorApp = {
    corpId: 'wwemulator0000001',
    corpSecret: 'emulator-secret-0001',
  };

  private readonly recorder = new RequestRecorder(this);
  private readonly tokens = new AccessTokens();
  private readonly faults = new FaultInjector(() => this.tokens.expireAll());
  private readonly apps: EmulatorApp[];
  private readonly server: EmulatorServer;

  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = this.recorder.requests;
  /** Every token issued, oldest first. */
  readonly issuedTokens: string[] = this.tokens.issued;

  private constructor(options: WecomEmulatorOptions) {
    super();
    this.apps = options.apps ?? [WecomEmulator.DEFAULT_APP];
    const { recorder, tokens, faults, apps } = this;
    const handler = new RequestHandler({ recorder, faults, tokens, apps, options });
    this.server = new EmulatorServer(API_PATHS, handler);
  }

  /** Starts an emulator on 127.0.0.1 and, unless `options.port` says otherwise, a free port. */
  static async start(options: WecomEmulatorOptions = {}): Promise<WecomEmulator> {
    const emulator = new WecomEmulator(options);
    await emulator.server.listen(options.port ?? 0);
    return emulator;
  }

  /** The origin to give the module as `baseUrl`. */
  get url(): string {
    return this.server.url;
  }

  /** The first app's corp id. */
  get corpId(): string {
    return (this.apps[0] ?? WecomEmulator.DEFAULT_APP).corpId;
  }

  /** The first app's secret. */
  get corpSecret(): string {
    return (this.apps[0] ?? WecomEmulator.DEFAULT_APP).corpSecret;
  }

  /** gettoken requests so far, to check that tokens are cached. */
  get gettokenCalls(): number {
    return this.requests.filter((r) => r.api === 'gettoken').length;
  }

  /** upload_attachment requests so far, including failed ones. */
  get uploads(): RecordedRequest[] {
    return this.requests.filter((r) => r.api === 'upload_attachment');
  }

  /** Makes every issued token expired, as WeCom may do early: the next call with one gets 42001. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Answers the next `times` calls of `api` (default 1) with `errcode`. */
  failNext(api: EmulatorApi, errcode: number, times = 1): this {
    this.faults.queue(api, errcode, times);
    return this;
  }

  /** Resets the next `times` connections to `api` (default 1) before any answer. */
  resetNext(api: EmulatorApi, times = 1): this {
    this.faults.queue(api, 'reset', times);
    return this;
  }

  /** Answers the next call of `api` with a raw, non-WeCom answer. */
  answerNextWith(api: EmulatorApi, answer: RawAnswer): this {
    this.faults.queue(api, answer);
    return this;
  }

  /** Waits `ms` before every answer, to test timeouts and clients that give up. */
  setDelay(ms: number): this {
    this.faults.setDelay(ms);
    return this;
  }

  /** Injects random faults into every request from now on; `{}` turns them off. */
  setFaults(faults: EmulatorFaults): this {
    this.faults.setFaults(faults);
    return this;
  }

  /** Forgets requests, queued and random faults, the delay and tokens: tests share one emulator. */
  reset(): void {
    this.requests.length = 0;
    this.tokens.clear();
    this.faults.reset();
  }

  /** Resolves once a request matching `predicate` has been recorded (counting earlier ones). */
  waitFor(predicate: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    return this.recorder.waitFor(predicate);
  }

  /** Stops listening and drops every open connection. */
  async close(): Promise<void> {
    await this.server.close();
  }
}

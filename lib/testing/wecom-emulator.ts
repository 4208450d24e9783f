import { EventEmitter } from 'node:events';
import { AccessTokens } from './access-tokens.js';
import { CallLimits } from './call-limits.js';
import { EmulatorServer } from './emulator-server.js';
import { FaultInjector } from './fault-injector.js';
import type { EmulatorAlbum, EmulatorMoment } from './published.interface.js';
import { Publishing } from './publishing.js';
import type { RecordedRequest } from './recorded-request.interface.js';
import { RequestHandler } from './request-handler.js';
import { RequestRecorder } from './request-recorder.js';
import { SuiteRegistry } from './suite-registry.js';
import type {
  EmulatorApi,
  EmulatorApp,
  EmulatorFaults,
  EmulatorLoad,
  RawAnswer,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
import { API_PATHS } from './wecom-tables.js';

/**
 * A WeCom API on 127.0.0.1 for tests and the sample, so that nobody needs a real corp to test an
 * upload: `gettoken` with corp id and secret checks and expiring tokens, `upload_attachment`
 * that parses the multipart body strictly (part `media`, `filename`, `filelength`, Content-Length,
 * no chunking) and applies the size rules, and the APIs that publish what was uploaded — moment
 * tasks and product albums — which take only media_ids it issued, to the same corp, for the same
 * kind, within 3 days. It records every request and injects faults on demand.
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
  private readonly suiteTokens = new AccessTokens();
  private readonly faults = new FaultInjector(() => this.tokens.expireAll());
  private readonly limits: CallLimits;
  private readonly apps: EmulatorApp[];
  private readonly suites: SuiteRegistry;
  private readonly publishing: Publishing;
  private readonly server: EmulatorServer;

  /** Every request, oldest first. */
  readonly requests: RecordedRequest[] = this.recorder.requests;
  /** Every token issued, oldest first. */
  readonly issuedTokens: string[] = this.tokens.issued;

  private constructor(options: WecomEmulatorOptions) {
    super();
    this.apps = options.apps ?? [WecomEmulator.DEFAULT_APP];
    this.suites = new SuiteRegistry(options.suites ?? []);
    this.limits = new CallLimits(options.limits);
    this.publishing = new Publishing(options);
    const { recorder, tokens, suiteTokens, faults, limits, apps, publishing } = this;
    const suites = this.suites.suites;
    const parts = { recorder, faults, tokens, suiteTokens, limits, apps, suites, publishing };
    this.server = new EmulatorServer(
      API_PATHS,
      new RequestHandler({ ...parts, options }),
      options.tls,
    );
  }

  /** Starts an emulator on 127.0.0.1 and, unless `options.port` says otherwise, a free port. */
  static async start(options: WecomEmulatorOptions = {}): Promise<WecomEmulator> {
    const emulator = new WecomEmulator(options);
    await emulator.server.listen(options.port ?? 0);
    return emulator;
  }

  /** The origin to give the module as `baseUrl`: `http://127.0.0.1:<port>`, or `https://` with `tls`. */
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

  /** Requests of `api` so far (for `corpId` only, when given). */
  callsOf(api: EmulatorApi, corpId?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.api === api && (corpId === undefined || r.corpId === corpId),
    );
  }

  /** upload_attachment requests so far, including failed ones. */
  get uploads(): RecordedRequest[] {
    return this.requests.filter((r) => r.api === 'upload_attachment');
  }

  /**
   * How many calls the emulator's `limits` refused (of `api`, and of `corpId`, when given): 45009
   * over `perMinute` or `perHour`, 45033 over `concurrent`. Injected faults do not count. A client
   * that holds to the limits leaves it at 0; `reset()` zeroes it.
   */
  limitRefusals(api?: EmulatorApi, corpId?: string): number {
    return this.limits.refusals(api, corpId);
  }

  /**
   * The busiest the emulator saw each pair of a corp and an API (of `api`, and of `corpId`, when
   * given; the maximum over pairs otherwise), refused calls included: the most calls that arrived
   * in one of its minute windows and hour windows (see `EmulatorLimits`), and the most in flight
   * at once. Counted with or without `limits`; `reset()` zeroes it. A client that held to a limit
   * of N a minute shows `peakLoad(api, corp).perMinute <= N`.
   */
  peakLoad(api?: EmulatorApi, corpId?: string): EmulatorLoad {
    return this.limits.peakLoad(api, corpId);
  }

  /**
   * Makes every issued access token expired (of `corpId` only, when given), as WeCom may do early:
   * the next call with one gets 42001.
   */
  expireTokens(corpId?: string): void {
    this.tokens.expireAll(corpId);
  }

  /** Makes every suite_access_token expired: the next get_corp_token with one gets 42009. */
  expireSuiteTokens(): void {
    this.suiteTokens.expireAll();
  }

  /** The ticket get_suite_token accepts from now on for `suiteId`, as WeCom pushes a new one. */
  setSuiteTicket(suiteId: string, ticket: string): this {
    this.suites.setTicket(suiteId, ticket);
    return this;
  }

  /**
   * The corp cancels its authorisation of the third-party app (all suites, or `suiteId`): its
   * permanent code is refused from now on (40084).
   */
  revokeAuthorisation(corpId: string, suiteId?: string): this {
    this.suites.revoke(corpId, suiteId);
    return this;
  }

  /**
   * The corp authorises the third-party app `suiteId` (again), with a new permanent code: from
   * now on get_corp_token accepts that code for it.
   */
  grantAuthorisation(corpId: string, suiteId: string, permanentCode: string): this {
    this.suites.grant(corpId, suiteId, permanentCode);
    return this;
  }

  /** Every moment task accepted, oldest first, as it stands; `reset()` empties it. */
  get moments(): readonly EmulatorMoment[] {
    return this.publishing.moments.list;
  }

  /** Every product album created, oldest first, deleted ones included; `reset()` empties it. */
  get albums(): readonly EmulatorAlbum[] {
    return this.publishing.albums.list;
  }

  /**
   * Makes an issued media_id `ms` older: at 3 days (259200000 ms) the publishing APIs refuse it
   * (40007). Throws for a media_id the emulator never issued.
   */
  ageMedia(mediaId: string, ms: number): this {
    this.publishing.media.age(mediaId, ms);
    return this;
  }

  /** The next `times` moment tasks (of `corpId`, when given) end with `result.errcode`, no moment_id. */
  failNextMomentTask(errcode: number, times = 1, corpId?: string): this {
    this.publishing.moments.queue({ errcode }, times, corpId);
    return this;
  }

  /** The next `times` moment tasks (of `corpId`, when given) never finish: they stay at `status`. */
  stallNextMomentTask(status: 1 | 2 = 2, times = 1, corpId?: string): this {
    this.publishing.moments.queue({ stallAt: status }, times, corpId);
    return this;
  }

  /** Answers the next `times` calls of `api` (default 1), for `corpId` only when given, with `errcode`. */
  failNext(api: EmulatorApi, errcode: number, times = 1, corpId?: string): this {
    this.faults.queue(api, errcode, times, corpId);
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

  /**
   * Forgets requests, queued and random faults, the delay, tokens, the limits' windows, refusals
   * (45009, 45033) and peak load, the media_ids issued, the moments and albums and their queued
   * outcomes, and puts the suites' tickets and authorisations back as the options gave them:
   * tests share one emulator.
   */
  reset(): void {
    this.requests.length = 0;
    this.limits.clear();
    this.tokens.clear();
    this.suiteTokens.clear();
    this.faults.reset();
    this.suites.restore();
    this.publishing.clear();
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

import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import { isAxiosError, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { linkSignals, sleep } from './abort.js';
import { SecretRedactor } from './secret-redactor.js';
import {
  LOGGER_CONTEXT,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
} from '../wecom-media.constants.js';
import { CallLimits } from './call-limits.js';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import {
  WecomAbortedError,
  WecomNetworkError,
  WecomProtocolError,
  WecomTimeoutError,
} from '../errors/wecom-transport.error.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { backoffDelay } from './backoff.js';
import {
  connectionAgents,
  networkCode,
  stopWriting,
  type ConnectionAgents,
} from './connection-agents.js';
import { Errcode, TOKEN_ERRCODES } from '../errors/errcodes.js';
import { errorFor } from './errcode-errors.js';
import type { WecomRequest } from './wecom-request.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** A call as log lines name it: the API, and the corp it acts for. */
const callName = (req: WecomRequest): string =>
  req.corpId === undefined ? req.api : `${req.api} (corp ${req.corpId})`;

/** Connection failures worth one more try: the request may never have reached WeCom. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);
/** WeCom's answers are small; a larger one is not WeCom. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends requests to WeCom and turns every outcome into a result or a typed error: token errors
 * are retried once with a new token, -1 with backoff, a connection reset once; permanent errcodes
 * are thrown at once. No URL, token or secret reaches a message or a log line: axios errors (which
 * carry the URL) are never rethrown, and WeCom's errmsg passes through the redactor.
 */
@Injectable()
export class WecomHttpClient implements OnModuleDestroy {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);
  private readonly agents: ConnectionAgents;
  /** What every request to WeCom is sent with, whatever it carries. */
  private readonly transport: AxiosRequestConfig;

  constructor(
    private readonly http: HttpService,
    @Inject(WECOM_RESOLVED_OPTIONS) private readonly options: ResolvedWecomMediaOptions,
    private readonly redactor: SecretRedactor,
    private readonly limits: CallLimits,
    @Optional() @Inject(WECOM_MESSAGES) private readonly messages: Messages = EN_MESSAGES,
  ) {
    this.agents = connectionAgents(options.baseUrl, options.proxy, {
      idleTimeoutMs: options.idleConnectionTimeoutMs,
      ca: options.ca,
    });
    if (this.agents.proxy) this.logger.log(`reaching WeCom through the proxy ${this.agents.proxy}`);
    this.transport = {
      responseType: 'text',
      transformResponse: [(raw: string) => raw],
      validateStatus: () => true,
      maxRedirects: 0,
      // The agents tunnel through a proxy themselves; axios's own proxying would fight them.
      proxy: false,
      httpAgent: this.agents.httpAgent,
      httpsAgent: this.agents.httpsAgent,
      maxContentLength: MAX_RESPONSE_BYTES,
    };
  }

  /** `text` (an answer's errmsg, say) with every token and secret the module knows redacted. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Set at shutdown, after the uploads under way have had their time: nothing is sent after. */
  private closed = false;

  onModuleDestroy(): void {
    this.closed = true;
    this.agents.destroy();
  }

  /**
   * Leaves a connection to WeCom open in the pool, unless one already waits there: a `GET /`,
   * which is no API call, opens it (a HEAD answer without a length closes the connection).
   * @throws WecomNetworkError when WeCom cannot be reached; the signal's reason when it aborts.
   */
  async connect(signal?: AbortSignal): Promise<void> {
    const agent = this.options.baseUrl.startsWith('https:')
      ? this.agents.httpsAgent
      : this.agents.httpAgent;
    if (Object.values(agent.freeSockets).some((sockets) => (sockets?.length ?? 0) > 0)) return;
    const linked = linkSignals([signal], this.options.timeoutMs);
    try {
      await this.http.axiosRef.request({
        ...this.transport,
        method: 'GET',
        url: `${this.options.baseUrl}/`,
        signal: linked.signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      throw new WecomNetworkError('/', networkCode(error), 1, this.agents.proxy);
    } finally {
      linked.dispose();
    }
  }

  async request<T extends WecomResponseBase>(req: WecomRequest): Promise<T> {
    const { retry } = this.options;
    let attempts = 0;
    let busyRetries = 0;
    let tokenRetried = false;
    let resetRetried = false;
    for (;;) {
      req.signal?.throwIfAborted();
      // A call still running at shutdown (a token fetch nobody waits for) ends quietly.
      if (this.closed) throw new WecomAbortedError('shutdown');
      attempts += 1;
      let token: string | undefined;
      let tokenFailure: unknown;
      let response: AxiosResponse<string>;
      try {
        // Each attempt is a call WeCom counts, and holds one of the corp's places while it runs.
        // The token is taken once the place is: one taken before a long wait may have expired.
        response = await this.limits.run(req, async () => {
          token = req.tokens
            ? await req.tokens.get(req.signal).catch((error: unknown) => {
                tokenFailure = error;
                throw error;
              })
            : undefined;
          // A custom provider's tokens are redacted like the module's own.
          if (token !== undefined) this.redactor.addToken(token);
          // Counted here, where the request leaves: a call held back (45009 of the module's own)
          // or without a token (a cool-down) sent WeCom nothing.
          if (req.tally) req.tally.attempts += 1;
          return this.send(req, token);
        });
      } catch (error) {
        // The token's own failure (gettoken's errcode, network, cool-down) reaches the caller as
        // it is: it names its API, not this call's.
        if (error === tokenFailure) throw error;
        if (error instanceof WecomTimeoutError)
          throw new WecomTimeoutError(req.api, this.options.timeoutMs, attempts);
        if (!(error instanceof WecomNetworkError)) throw error;
        if (this.closed) throw new WecomAbortedError('shutdown');
        // A refused connection never reached WeCom; a reset one may have (see WecomRequest.once).
        const resendable = !req.once || error.code === 'ECONNREFUSED';
        if (RESET_CODES.has(error.code) && !resetRetried && resendable) {
          resetRetried = true;
          this.logger.warn(`${callName(req)}: connection failed (${error.code}); retrying once`);
          continue;
        }
        throw new WecomNetworkError(req.api, error.code, attempts, this.agents.proxy);
      }
      // A proxy that refuses the tunnel answers in WeCom's place: say who it was.
      if (response.status === 407 && this.agents.proxy) {
        throw new WecomProtocolError(
          req.api,
          407,
          'Proxy Authentication Required: check the credentials in the proxy URL',
          this.agents.proxy,
        );
      }
      const data = parseWecomResponse<T>(req.api, response.status, response.data);
      const errcode = data.errcode ?? 0;
      if (errcode === 0) return data;

      const expired = req.tokens?.expired ?? TOKEN_ERRCODES;
      if (expired.has(errcode) && req.tokens && token !== undefined && !tokenRetried) {
        tokenRetried = true;
        this.logger.warn(
          `${callName(req)}: errcode ${errcode} (token expired or invalid); refreshing the token and retrying once`,
        );
        await req.tokens.invalidate(token);
        continue;
      }
      if (errcode === Errcode.SystemBusy && busyRetries < retry.busyRetries && !req.once) {
        busyRetries += 1;
        const delay = backoffDelay(busyRetries, retry);
        this.logger.warn(
          `${callName(req)}: errcode -1 (system busy); retry ${busyRetries} of ${retry.busyRetries} in ${delay} ms`,
        );
        await sleep(delay, req.signal);
        continue;
      }
      const errmsg = this.redactor.redact(String(data.errmsg ?? ''));
      throw errorFor(req.api, errcode, errmsg, attempts, this.messages);
    }
  }

  /** One attempt. Throws the caller's abort reason, or a WecomNetworkError / WecomTimeoutError. */
  private async send(req: WecomRequest, token: string | undefined): Promise<AxiosResponse<string>> {
    const query = new URLSearchParams(
      token === undefined
        ? req.query
        : { [req.tokens?.param ?? 'access_token']: token, ...req.query },
    );
    // Before the timer starts: a body that cannot be built throws as it is, and leaves no timer.
    const body = req.body?.();
    const linked = linkSignals([req.signal], this.options.timeoutMs);
    // The request that carried the body, once axios tells: see stopWriting.
    let sent: unknown;
    try {
      const response = await this.http.axiosRef.request<string>({
        method: req.method,
        url: `${this.options.baseUrl}${req.api}?${query.toString()}`,
        data: body?.stream,
        headers: body?.headers,
        signal: linked.signal,
        ...this.transport,
        // No limit. -1, not Infinity: with any other value axios pipes a stream body through a
        // byte-counting Transform of its own, per request.
        maxBodyLength: -1,
      });
      sent = response.request;
      return response;
    } catch (error) {
      if (isAxiosError(error)) sent = error.request;
      // Axios errors carry the request URL, and with it the token: never rethrow them.
      if (req.signal?.aborted) throw req.signal.reason;
      if (linked.timedOut) throw new WecomTimeoutError(req.api, this.options.timeoutMs);
      // An answer past the bound arrived whole enough to count: no network failure, not WeCom.
      if (isAxiosError(error) && /maxContentLength/.test(error.message)) {
        const status = error.response?.status ?? 200;
        throw new WecomProtocolError(req.api, status, `an answer over ${MAX_RESPONSE_BYTES} bytes`);
      }
      throw new WecomNetworkError(req.api, networkCode(error));
    } finally {
      stopWriting(sent);
      linked.dispose();
      body?.destroy();
    }
  }
}

/** The fields every WeCom answer may carry. A missing errcode means success. */
export interface WecomResponseBase {
  errcode?: number;
  errmsg?: string;
}

/** Parses a WeCom answer body, or explains why it is not one. */
function parseWecomResponse<T extends WecomResponseBase>(
  api: string,
  status: number,
  body: string,
): T {
  if (status !== 200) {
    const kind = /^\s*</.test(body)
      ? 'an HTML page'
      : body.trim() === ''
        ? 'an empty body'
        : 'a non-JSON body';
    throw new WecomProtocolError(api, status, kind);
  }
  if (body.trim() === '') throw new WecomProtocolError(api, status, 'an empty body');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WecomProtocolError(api, status, /^\s*</.test(body) ? 'an HTML page' : 'invalid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WecomProtocolError(api, status, 'JSON that is not an object');
  }
  const errcode = (parsed as WecomResponseBase).errcode;
  if (errcode !== undefined && typeof errcode !== 'number') {
    const asNumber = Number(errcode);
    if (!Number.isInteger(asNumber))
      throw new WecomProtocolError(api, status, 'a non-numeric errcode');
    (parsed as WecomResponseBase).errcode = asNumber;
  }
  return parsed as T;
}

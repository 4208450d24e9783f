/** The `corp_id` of a metric for a corp the module does not serve, or not yet. */
export const UNSERVED_CORP = 'unserved';

/** What decides the `corp_id` of the module's metrics. */
export interface CorpLabelSettings {
  /** False for providers of thousands of corps: no `corp_id` at all. */
  corpIdOnMetrics: boolean;
  /** The module's own corp: served from the start. */
  defaultCorpId?: string;
  /** Whether the module may upload for `corpId` at all (the corp-id rule). */
  serves: (corpId: unknown) => boolean;
}

/**
 * The `corp_id` of each metric point. A corp id comes from the caller, and each value is a series
 * of its own in Prometheus (fifteen of them for the histogram): a caller naming a new corp at each
 * request would mint series without end. So a corp gets its own `corp_id` only once it is known to
 * be served — the module's own corp, or one WeCom issued a token or accepted an upload for in this
 * process — and every other call is counted under {@link UNSERVED_CORP}.
 */
export class CorpLabels {
  private readonly served = new Set<string>();

  constructor(private readonly settings: CorpLabelSettings) {
    if (settings.defaultCorpId !== undefined) this.served.add(settings.defaultCorpId);
  }

  /** The corp id for a span: any the module may serve (bounded, well formed), else none. */
  forSpan(corpId: string | undefined): string | undefined {
    return corpId !== undefined && this.settings.serves(corpId) ? corpId : undefined;
  }

  /** WeCom answered for `corpId` (a token, an upload): it gets series of its own from now on. */
  vouch(corpId: string | undefined): void {
    if (corpId !== undefined && this.settings.serves(corpId)) this.served.add(corpId);
  }

  /** The `corp_id` of a metric point for `corpId`; undefined for none (a suite token's fetch). */
  forMetric(corpId: string | undefined): string | undefined {
    if (!this.settings.corpIdOnMetrics || corpId === undefined) return undefined;
    return this.served.has(corpId) ? corpId : UNSERVED_CORP;
  }
}

import type { ModulesContainer } from '@nestjs/core';
import type { Messages } from '../../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../../options/resolve-options.js';
import { checkCorpId, isCorpId, servedBy } from '../../rules/attachment-rules.js';
import type { WecomStore } from '../../store/wecom-store.interface.js';
import type { AccessTokenProvider } from '../../token/access-token-provider.interface.js';
import {
  WECOM_ACCESS_TOKEN_PROVIDER,
  WECOM_MESSAGES,
  WECOM_RESOLVED_OPTIONS,
  WECOM_STORE,
} from '../../wecom-media.constants.js';

/** One registration of the module, as a probe reads it. */
export interface Probed {
  tokens: AccessTokenProvider;
  store: WecomStore;
  options: ResolvedWecomMediaOptions;
  messages: Messages;
}

/** The registration to probe for a corp, or why there is none. */
export type Choice = { probed: Probed; corpId: string } | { corpId?: string; wrong: string };

/**
 * Every registration of the module in the app (two corps' feature modules may each call
 * `forRoot`): each has its own token cache and options, so a probe must ask the one that
 * uploads for the corp, not whichever one the container finds first.
 */
export function registrationsIn(modules: ModulesContainer): Probed[] {
  return [...modules.values()].flatMap((module) => {
    const get = <T>(token: symbol): T | undefined =>
      module.providers.get(token)?.instance as T | undefined;
    const options = get<ResolvedWecomMediaOptions>(WECOM_RESOLVED_OPTIONS);
    const tokens = get<AccessTokenProvider>(WECOM_ACCESS_TOKEN_PROVIDER);
    const store = get<WecomStore>(WECOM_STORE);
    const messages = get<Messages>(WECOM_MESSAGES);
    return options && tokens && store && messages ? [{ options, tokens, store, messages }] : [];
  });
}

/**
 * The registration that uploads for `asked` — the one whose own corp it is, else the first that
 * serves it — or, with no corp asked, for the one default corp of the registrations.
 */
export function choose(registrations: Probed[], asked: string | undefined): Choice {
  const [first] = registrations;
  if (!first) return { wrong: 'WecomMediaModule is not registered in this app' };
  const defaults = new Set(registrations.map((r) => r.options.corpId));
  defaults.delete(undefined);
  if (asked === undefined && defaults.size > 1) {
    return {
      wrong: `WecomMediaModule is registered for ${[...defaults].join(', ')}: name the corp to check ({ corpId })`,
    };
  }
  const [soleDefault] = defaults;
  const corpId = asked ?? soleDefault;
  if (corpId === undefined) return { wrong: first.messages.corpMissing() };
  const serving = registrations.filter((r) => !checkCorpId(corpId, servedBy(r.options)));
  const probed = serving.find((r) => r.options.corpId === corpId) ?? serving[0];
  if (probed) return { probed, corpId };
  const wrong = checkCorpId(corpId, servedBy(first.options), first.messages)?.message ?? '';
  // One registration says why in its own words; of several, each serves another corp.
  return registrations.length === 1 || !isCorpId(corpId)
    ? { corpId, wrong }
    : {
        corpId,
        wrong: `no registration of WecomMediaModule serves corp ${corpId} (registered for ${[...defaults].join(', ')})`,
      };
}

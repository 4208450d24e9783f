import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  registerDecorator,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { EN_MESSAGES, type Messages } from '../messages/index.js';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { DEFAULT_ATTACHMENT_RULES } from '../rules/attachment-rules.js';
import { checkAlbum, checkMoment } from '../rules/publish-rules.js';
import type { RuleName, Violation } from '../rules/violation.interface.js';
import { WECOM_MESSAGES, WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';

/**
 * The publishing rules a DTO field follows, one each.
 *
 * @publicApi
 */
export type PublishFieldRule =
  | 'moment-text-length'
  | 'moment-link-title'
  | 'moment-link-url'
  | 'album-description'
  | 'album-price'
  | 'album-product-sn';

const ALBUM_FIELDS = {
  'album-description': 'description',
  'album-price': 'priceFen',
  'album-product-sn': 'productSn',
} as const;

/**
 * class-validator constraint: a field of a publishing DTO follows its rule of the rule table, in
 * words of the module's locale. Nest builds it, with the module's rules and messages, when the app
 * lets class-validator use Nest's container (class-validator's `useContainer`, given
 * `app.select(AppModule)` and `fallbackOnErrors: true`); class-validator's own `new` gives it the
 * doc's rules, in English.
 *
 * @publicApi
 */
@Injectable()
@ValidatorConstraint({ name: 'wecomPublishRule', async: false })
export class PublishRuleConstraint implements ValidatorConstraintInterface {
  private readonly rules: ResolvedWecomMediaOptions['rules'];
  private readonly messages: Messages;

  /** @internal Nest injects the module's options and messages; class-validator gives none. */
  constructor(
    @Optional() @Inject(WECOM_RESOLVED_OPTIONS) options?: ResolvedWecomMediaOptions,
    @Optional() @Inject(WECOM_MESSAGES) messages?: Messages,
  ) {
    this.rules = options?.rules ?? DEFAULT_ATTACHMENT_RULES;
    this.messages = messages ?? EN_MESSAGES;
  }

  /** Whether the field follows its rule. */
  validate(value: unknown, args: ValidationArguments): boolean {
    return this.broken(value, args) === undefined;
  }

  /** What the field breaks: the rule's message, with its limit and the actual value. */
  defaultMessage(args: ValidationArguments): string {
    return this.broken(args.value, args)?.message ?? `${args.property} breaks its rule`;
  }

  /** The field's one violation of its rule, judged as the services judge it. */
  private broken(value: unknown, args: ValidationArguments): Violation | undefined {
    const [rule] = args.constraints as [PublishFieldRule];
    const { moment, album } = this.rules;
    const m = this.messages;
    let found: Violation[];
    switch (rule) {
      case 'moment-text-length':
        found = checkMoment({ text: value, images: 1, video: false }, moment, m);
        break;
      case 'moment-link-title':
      case 'moment-link-url': {
        const link = args.object as { title?: unknown; url?: unknown };
        const draft = { text: '', images: 0, video: false };
        found = checkMoment(
          { ...draft, link: { title: link.title, url: link.url, cover: true } },
          moment,
          m,
        );
        break;
      }
      default: {
        // The other fields as valid as can be: only this one is judged (and a missing one is).
        const valid = { description: 'x', priceFen: album.minPriceFen, productSn: undefined };
        const key = ALBUM_FIELDS[rule];
        found = checkAlbum({ ...valid, images: 1, [key]: value }, album, m);
      }
    }
    return found.find((v) => v.rule === (rule as RuleName));
  }
}

/**
 * The field follows the publishing rule `rule`, with its limit from the module's rule table
 * (see {@link PublishRuleConstraint}).
 *
 * @publicApi
 */
export function FollowsPublishRule(rule: PublishFieldRule): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'wecomPublishRule',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [rule],
      validator: PublishRuleConstraint,
    });
  };
}

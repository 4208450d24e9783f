import {
  registerDecorator,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidationOptions,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { AttachmentRules } from '../rules/attachment-rules.interface.js';
import {
  DEFAULT_ATTACHMENT_RULES,
  isAttachmentType,
  isMediaType,
} from '../rules/attachment-rules.js';
import { checkCombination } from '../rules/check-attachment.js';

/** Reads the pair from the DTO: the decorated property and its sibling `media_type`. */
function combinationOf(args: ValidationArguments): ReturnType<typeof checkCombination> {
  const [mediaTypeProperty, rules] = args.constraints as [string, AttachmentRules | undefined];
  const mediaType = (args.object as Record<string, unknown>)[mediaTypeProperty];
  const attachmentType = args.value as unknown;
  // Each field's own validator reports a bad value; this one judges only valid pairs.
  if (!isMediaType(mediaType) || !isAttachmentType(attachmentType)) return null;
  return checkCombination(mediaType, attachmentType, rules ?? DEFAULT_ATTACHMENT_RULES);
}

/** class-validator constraint: the attachment type accepts the media type, per the rule table. */
@ValidatorConstraint({ name: 'attachmentCombination', async: false })
export class AttachmentCombinationConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    return combinationOf(args) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return combinationOf(args)?.message ?? 'invalid media_type and attachment_type combination';
  }
}

/**
 * Rejects media types the attachment type does not accept (product album + video, say).
 * @param mediaTypeProperty the DTO property that holds the media type
 * @param rules the rule table; default: the doc's
 */
export function IsAllowedCombination(
  mediaTypeProperty: string,
  rules?: AttachmentRules,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'attachmentCombination',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [mediaTypeProperty, rules],
      options,
      validator: AttachmentCombinationConstraint,
    });
  };
}

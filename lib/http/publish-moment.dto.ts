import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { FollowsPublishRule } from './publish-rule.constraint.js';

/**
 * A form's number: only decimal digits (with a sign or a fraction, so that the rule names what
 * is wrong with them) become a number; `0x64`, `1e2` or `true` stay as they came, and fail.
 * @internal
 */
export const decimal = (value: unknown): unknown =>
  typeof value === 'string' && /^\s*[-+]?\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : value;

/** A list as a form sends it: repeated fields, or one field of comma-separated values. */
const listOf =
  (map: (item: string) => unknown = (item) => item) =>
  ({ value }: { value: unknown }): unknown =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map(map)
      : Array.isArray(value)
        ? value.map((item) => (typeof item === 'string' ? map(item) : item))
        : value;

/**
 * The link of a moment: its title and http(s) URL (its cover is a file of the request).
 *
 * @publicApi
 */
export class MomentLinkDto {
  /** 1 to 64 UTF-8 bytes. */
  @FollowsPublishRule('moment-link-title')
  title!: string;

  /** An http(s) URL. */
  @FollowsPublishRule('moment-link-url')
  url!: string;
}

/**
 * The text fields of a moment, as an admin endpoint receives them (JSON, or the fields of a
 * multipart form beside its photos): use with `ValidationPipe({ transform: true })`, then give
 * them and the files to `MomentService.publish`. The limits are the module's rules (the doc's
 * when class-validator does not use Nest's container), the messages in the module's locale.
 *
 * @publicApi
 */
export class PublishMomentDto {
  /** At most 2,000 characters and 4,000 UTF-8 bytes. */
  @IsOptional()
  @FollowsPublishRule('moment-text-length')
  text?: string;

  /** A link instead of photos (`link[title]`, `link[url]` in a form). */
  @IsOptional()
  @ValidateNested()
  @Type(() => MomentLinkDto)
  link?: MomentLinkDto;

  /** Members asked to send it. Without senders, every member in the app's visible range is. */
  @IsOptional()
  @Transform(listOf())
  @IsArray()
  @IsString({ each: true })
  senderUserIds?: string[];

  /** Departments whose members are asked to send it. */
  @IsOptional()
  @Transform(listOf(decimal))
  @IsArray()
  @IsInt({ each: true })
  senderDepartmentIds?: number[];

  /** Only customers with these tags see it. */
  @IsOptional()
  @Transform(listOf())
  @IsArray()
  @IsString({ each: true })
  customerTagIds?: string[];
}

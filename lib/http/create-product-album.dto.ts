import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { FollowsPublishRule } from './publish-rule.constraint.js';
import { decimal } from './publish-moment.dto.js';

/**
 * The text fields of a product album, as an admin endpoint receives them (JSON, or the fields of
 * a multipart form beside its photos): use with `ValidationPipe({ transform: true })`, then give
 * them and the files to `ProductAlbumService.create`. The limits are the module's rules (the
 * doc's when class-validator does not use Nest's container), the messages in the module's locale.
 *
 * @publicApi
 */
export class CreateProductAlbumDto {
  /** 1 to 300 characters. */
  @FollowsPublishRule('album-description')
  description!: string;

  /** In fen: a whole number from 1 to 5,000,000; a form's decimal "19900" is read as a number. */
  @Transform(({ value }) => decimal(value))
  @FollowsPublishRule('album-price')
  priceFen!: number;

  /** At most 128 letters and digits. */
  @IsOptional()
  @FollowsPublishRule('album-product-sn')
  productSn?: string;
}

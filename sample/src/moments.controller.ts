import {
  Body,
  Controller,
  Post,
  UploadedFiles,
  UseFilters,
  UseGuards,
  UseInterceptors,
  ValidationPipe,
} from '@nestjs/common';
import {
  AttachmentFilesInterceptor,
  ClientAbortSignal,
  MediaType,
  MomentService,
  PublishMomentDto,
  WecomErrorFilter,
} from 'nestjs-wecom-media';
import { LoopbackGuard } from './loopback.guard.js';

/** What the page shows of a published moment. */
export interface PublishedMomentView {
  momentId: string;
  jobId: string;
  /** One per photo, in the order sent. */
  photos: Array<{ mediaId: string; fitted: boolean }>;
  invalidSenders: string[];
}

/**
 * The page's "publish a moment" form: up to 9 photos and a text, published to customers' moments
 * feeds in one call (docs/publishing.md's admin endpoint, with fit on).
 */
@Controller('sample/moments')
@UseGuards(LoopbackGuard)
@UseFilters(WecomErrorFilter)
export class MomentsController {
  constructor(private readonly moments: MomentService) {}

  @Post()
  @UseInterceptors(
    // A phone photo may be up to fit.maxInputBytes: it is scaled down before it is sent.
    AttachmentFilesInterceptor('photos', 9, { minCount: 0, fit: true, mediaType: MediaType.Image }),
  )
  async publish(
    @Body(new ValidationPipe({ transform: true })) body: PublishMomentDto,
    @UploadedFiles() photos: Express.Multer.File[],
    @ClientAbortSignal() signal: AbortSignal,
  ): Promise<PublishedMomentView> {
    const moment = await this.moments.publish({
      ...(body.text === undefined ? {} : { text: body.text }),
      images: photos,
      senders: { userIds: body.senderUserIds },
      fit: true,
      signal,
    });
    return {
      momentId: moment.momentId,
      jobId: moment.jobId,
      photos: moment.attachments.map((a) => ({
        mediaId: a.mediaId,
        fitted: a.fitted !== undefined,
      })),
      invalidSenders: moment.invalidSenders.userIds,
    };
  }
}

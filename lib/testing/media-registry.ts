import { MEDIA_TTL_MS } from './wecom-tables.js';

/** What upload_attachment issued a media_id for. */
export interface IssuedMedia {
  corpId: string;
  mediaType: string;
  attachmentType: string;
  /** Epoch ms; `age` moves it back. */
  createdAt: number;
}

/** What a publishing API needs of a media_id: its attachment_type and media_type. */
export interface MediaWanted {
  attachmentType: '1' | '2';
  mediaType: 'image' | 'video';
}

/**
 * Every media_id this emulator's upload_attachment issued, with its corp, kind and age, so that
 * the publishing APIs take only what WeCom would: a media_id of the same corp, younger than 3
 * days, uploaded for the right attachment_type and media_type.
 */
export class MediaRegistry {
  private readonly issued = new Map<string, IssuedMedia>();

  /** Remembers a media_id upload_attachment just answered. */
  record(mediaId: string, media: IssuedMedia): void {
    this.issued.set(mediaId, media);
  }

  /** Makes `mediaId` `ms` older, as if uploaded that much earlier. */
  age(mediaId: string, ms: number): void {
    const media = this.issued.get(mediaId);
    if (!media) throw new Error(`the emulator issued no media_id ${mediaId}`);
    media.createdAt -= ms;
  }

  /**
   * The errcode for a media_id a publishing call of `corpId` carries, or undefined when it is
   * good: 41006 (media_id missing) without one, 40007 (invalid media_id) for one this emulator
   * did not issue to this corp, older than 3 days, or of another attachment_type or media_type.
   * WeCom's pages name only 40007's meaning; which of them it answers to each case is assumed.
   */
  refusal(mediaId: unknown, corpId: string, wanted: MediaWanted): number | undefined {
    if (typeof mediaId !== 'string' || mediaId === '') return 41006;
    const media = this.issued.get(mediaId);
    if (
      !media ||
      media.corpId !== corpId ||
      Date.now() - media.createdAt >= MEDIA_TTL_MS ||
      media.attachmentType !== wanted.attachmentType ||
      media.mediaType !== wanted.mediaType
    )
      return 40007;
    return undefined;
  }

  /** Forgets every media_id. */
  clear(): void {
    this.issued.clear();
  }
}

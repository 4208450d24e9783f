/** The rules an attachment can break, one name each. */
export type RuleName =
  | 'min-size'
  | 'max-size'
  | 'format'
  | 'media-type-mismatch'
  | 'attachment-media-type'
  | 'moment-image-long-edge'
  | 'moment-image-short-edge'
  | 'moment-video-duration'
  | 'unreadable'
  | 'filename'
  /** The upload request itself: its query, or its multipart body (the controller). */
  | 'request';

/** One broken rule, with a message that names the limit and the actual value. */
export interface Violation {
  rule: RuleName;
  message: string;
  /** The limit the rule sets, where it has one. */
  limit?: number | string;
  /** The value found, where there is one. */
  actual?: number | string;
}

// What the emulator keeps of what was published, for tests to assert on. The wire names (msgtype,
// media_id, …) are WeCom's, so that an attachment reads as it was sent.

/**
 * One attachment of a moment, as add_moment_task takes it
 * (https://developer.work.weixin.qq.com/document/path/95095); a link's `media_id` is its cover.
 *
 * @publicApi
 */
export type EmulatorMomentAttachment =
  | { readonly msgtype: 'image'; readonly image: { readonly media_id: string } }
  | { readonly msgtype: 'video'; readonly video: { readonly media_id: string } }
  | {
      readonly msgtype: 'link';
      readonly link: { readonly title?: string; readonly url: string; readonly media_id: string };
    };

/**
 * Who publishes a moment and which customers see it: add_moment_task's `visible_range`.
 *
 * @publicApi
 */
export interface EmulatorVisibleRange {
  /** The members and departments asked to publish it. */
  readonly sender_list?: {
    readonly user_list?: readonly string[];
    readonly department_list?: readonly number[];
  };
  /** The customer tags that see it; without them, all the senders' customers do. */
  readonly external_contact_list?: { readonly tag_list?: readonly string[] };
}

/**
 * A moment task that add_moment_task accepted, and what became of it.
 *
 * @publicApi
 */
export interface EmulatorMoment {
  /** The corp whose access_token created it. */
  readonly corpId: string;
  /** The jobid add_moment_task answered. */
  readonly jobId: string;
  /** Set once get_moment_task_result reported the task done without error. */
  readonly momentId?: string;
  /** The status get_moment_task_result last answered; 1 before any poll. */
  readonly status: 1 | 2 | 3;
  /** The result's errcode, once done: 0, or the one `failNextMomentTask` gave. */
  readonly errcode?: number;
  /** `text.content`, when given. */
  readonly text?: string;
  /** The attachments, as sent (their known fields only), in order. */
  readonly attachments: readonly EmulatorMomentAttachment[];
  /** `visible_range`, when given. */
  readonly visibleRange?: EmulatorVisibleRange;
  /** True once cancel_moment_task stopped it. */
  readonly cancelled: boolean;
  /** When add_moment_task accepted it, epoch ms. */
  readonly createdAt: number;
}

/**
 * One image of a product album (https://developer.work.weixin.qq.com/document/path/95096).
 *
 * @publicApi
 */
export interface EmulatorAlbumAttachment {
  /** The only type the album takes. */
  readonly type: 'image';
  /** A media_id upload_attachment issued for the album (attachment_type 2). */
  readonly image: { readonly media_id: string };
}

/**
 * A product album add_product_album created, as its last update left it, deleted or not.
 *
 * @publicApi
 */
export interface EmulatorAlbum {
  /** The corp whose access_token created it. */
  readonly corpId: string;
  /** The product_id add_product_album answered. */
  readonly productId: string;
  /** The product's name and features. */
  readonly description: string;
  /** In fen. */
  readonly price: number;
  /** Empty when none was given. */
  readonly productSn: string;
  /** Its images, in order. */
  readonly attachments: readonly EmulatorAlbumAttachment[];
  /** Epoch seconds, as get_product_album's `create_time`. */
  readonly createTime: number;
  /** update_product_album calls that changed it. */
  readonly updates: number;
  /** True once delete_product_album removed it: WeCom no longer answers it. */
  readonly deleted: boolean;
}

/**
 * Targets of a moment task that its result reports invalid (as WeCom does for ids that do not
 * exist or are outside the app's visible range).
 *
 * @publicApi
 */
export interface EmulatorInvalidTargets {
  /** Sender user ids. */
  users?: string[];
  /** Sender department ids. */
  departments?: number[];
  /** Customer tag ids. */
  tags?: string[];
}

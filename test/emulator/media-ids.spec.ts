import { beforeEach, describe, expect, it } from 'vitest';
import { WecomEmulator } from '../../lib/testing/index.js';
import { emulatorSuite } from '../helpers/wecom-test-app.js';
import { makePng } from '../helpers/media-bytes.mjs';
import { postUpload } from '../helpers/wecom-calls.mjs';
import { albumImage, callerOf, image, link, video, type Caller } from './publishing-calls.js';

const OTHER = { corpId: 'wwemuother000002', corpSecret: 'other-secret' };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A moment of one image, and an album of one image. */
const moment = (mediaId: string) => ({ attachments: [image(mediaId)] });
const album = (mediaId: string) => ({
  description: '新品',
  price: 100,
  attachments: [albumImage(mediaId)],
});

describe('media_ids: only what this emulator issued, to this corp, for this use, within 3 days', () => {
  const s = emulatorSuite({ app: false, emulator: { apps: [WecomEmulator.DEFAULT_APP, OTHER] } });
  let c: Caller;
  beforeEach(async () => {
    c = await callerOf(s.emulator);
  });

  it("refuses another corp's media_id (40007)", async () => {
    const other = await callerOf({ url: s.emulator.url, ...OTHER });
    const forMoments = await other.upload('png', 1);
    const forAlbums = await other.upload('png', 2);
    expect((await c.post('add_moment_task', moment(forMoments))).errcode).toBe(40007);
    expect((await c.post('add_product_album', album(forAlbums))).errcode).toBe(40007);
    expect((await other.post('add_moment_task', moment(forMoments))).errcode).toBe(0);
    expect((await other.post('add_product_album', album(forAlbums))).errcode).toBe(0);
  });

  it('refuses a media_id of the wrong attachment_type (40007)', async () => {
    const forMoments = await c.upload('png', 1);
    const forAlbums = await c.upload('png', 2);
    expect((await c.post('add_moment_task', moment(forAlbums))).errcode).toBe(40007);
    expect((await c.post('add_product_album', album(forMoments))).errcode).toBe(40007);
    const cover = { attachments: [link({ url: 'https://a.cn', media_id: forAlbums })] };
    expect((await c.post('add_moment_task', cover)).errcode).toBe(40007);
  });

  it('refuses a media_id of the wrong media_type (40007)', async () => {
    const png = await c.upload('png', 1);
    const mp4 = await c.upload('mp4', 1);
    expect((await c.post('add_moment_task', moment(mp4))).errcode).toBe(40007);
    expect((await c.post('add_moment_task', { attachments: [video(png)] })).errcode).toBe(40007);
    const cover = { attachments: [link({ url: 'https://a.cn', media_id: mp4 })] };
    expect((await c.post('add_moment_task', cover)).errcode).toBe(40007);
    expect((await c.post('add_moment_task', { attachments: [video(mp4)] })).errcode).toBe(0);
  });

  it('refuses a media_id from 3 days ago on, and takes one just younger (ageMedia)', async () => {
    const young = await c.upload('png', 1);
    const old = await c.upload('png', 2);
    // An hour's margin: the test itself takes far less, and no clock is read in the asserts.
    s.emulator.ageMedia(young, 3 * DAY_MS - 60 * 60 * 1000).ageMedia(old, 3 * DAY_MS);
    expect((await c.post('add_moment_task', moment(young))).errcode).toBe(0);
    expect((await c.post('add_product_album', album(old))).errcode).toBe(40007);
    expect(() => s.emulator.ageMedia('never-issued', 1)).toThrow('issued no media_id never-issued');
  });

  it('refuses a media_id it never issued: made up, refused at upload, or issued before reset()', async () => {
    expect((await c.post('add_moment_task', moment('made-up'))).errcode).toBe(40007);
    s.emulator.failNext('upload_attachment', -1);
    expect((await postUpload(s.emulator, c.token, makePng(8, 8))).errcode).toBe(-1);
    expect(s.emulator.uploads[0]?.mediaId).toBeUndefined();

    const before = await c.upload('png', 1);
    s.emulator.reset();
    const after = await callerOf(s.emulator);
    expect((await after.post('add_moment_task', moment(before))).errcode).toBe(40007);
  });
});

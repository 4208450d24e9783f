// Sends the chosen file to the module's controller and shows its verdict: the media_id, or each
// broken rule with what to do next, in the language the app runs in.
const form = document.getElementById('upload');
const input = document.getElementById('file');
const drop = document.getElementById('drop');
const verdict = document.getElementById('verdict');

// The page's own words; the module sends its messages in the app's locale already.
const TEXT = {
  en: {
    uploading: (name) => `Uploading ${name}…`,
    uploaded: 'Uploaded',
    validUntil: (when) => `valid until ${when}`,
    broken: 'Not uploaded: this file breaks the rules',
    failed: (status) => `Not uploaded (HTTP ${status})`,
    unreachable: 'The upload did not reach the server',
    retry: (seconds) => `try again in ${seconds} s`,
    fitted: (before, after) => `fitted: ${before} → ${after}`,
    making: 'Making a 4032 × 3024 phone photo…',
    publishing: (count) => `Publishing a moment of ${count} photo(s)…`,
    published: 'Published',
    notPublished: 'Not published',
    momentPhoto: (n, mediaId, fitted) => `photo ${n}: ${mediaId}${fitted ? ' (fitted)' : ''}`,
    invalidSenders: (ids) => `not senders: ${ids}`,
  },
  'zh-CN': {
    documentTitle: 'nestjs-wecom-media 示例：上传企业微信附件',
    title: '上传企业微信附件',
    moments: '朋友圈',
    album: '商品图册',
    imageType: '图片（JPG、PNG）',
    videoType: '视频（MP4）',
    fileType: '普通文件',
    emulator:
      '当前连接的是内置的企业微信模拟器：文件不会离开本机，media_id 也不是真的。设置 WECOM_CORP_ID 和 WECOM_CORP_SECRET 后才会上传到企业微信。',
    // `…` marks code, shown as the English page shows it.
    hint: '文件会发到 `POST /wecom/attachments`，它会在发往企业微信之前检查 `upload_attachment` 的每一条规则。',
    attachmentType: '附件类型',
    mediaType: '媒体文件类型',
    drop: '把文件拖到这里，或点击选择文件',
    examples: '试一个例子',
    examplesHint:
      '手机照片在浏览器中生成，发往企业微信前自动调整。每个带数字的按钮发出一个以该状态码结束的请求。408 需要一个发送过慢的客户端，浏览器做不到；测试覆盖了它。',
    uploading: (name) => `正在上传 ${name}…`,
    uploaded: '上传成功',
    validUntil: (when) => `有效期至 ${when}`,
    broken: '未上传：文件不符合规则',
    failed: (status) => `未上传（HTTP ${status}）`,
    unreachable: '上传没有到达服务器',
    retry: (seconds) => `请 ${seconds} 秒后重试`,
    fitted: (before, after) => `已自动调整：${before} → ${after}`,
    making: '正在生成一张 4032 × 3024 的手机照片…',
    fitHint:
      '不符合规则的图片会被自动调整（模块的 `fit` 选项）：手机照片缩小到朋友圈的尺寸，WebP、GIF 转为 JPEG，过大的图片重新压缩。',
    photoExample: '手机照片 (4032 × 3024)',
    publishTitle: '发表到客户朋友圈',
    publishHint:
      '最多 9 张照片和一段文字，一次调用发表到客户的朋友圈：`MomentService.publish` 先检查每一条规则，并行上传照片，再等企业微信创建好这条朋友圈。',
    momentText: '文字',
    momentSenders: '发表成员（成员 ID，用逗号分隔；留空表示全部成员）',
    momentPhotos: '照片（最多 9 张）',
    publishButton: '发表',
    publishing: (count) => `正在发表一条含 ${count} 张照片的朋友圈…`,
    published: '发表成功',
    notPublished: '未发表',
    momentPhoto: (n, mediaId, fitted) => `照片 ${n}：${mediaId}${fitted ? '（已自动调整）' : ''}`,
    invalidSenders: (ids) => `无效的发表成员：${ids}`,
    badExample: '400（伪装成图片的文本文件）',
  },
};
let text = TEXT.en;

/** Puts `words` in `element`, each `…` part as a <code>, the rest as text (never as HTML). */
function render(element, words) {
  element.replaceChildren(
    ...words.split('`').map((part, i) => {
      if (i % 2 === 0) return part;
      const code = document.createElement('code');
      code.textContent = part;
      return code;
    }),
  );
}

// A valid 8 × 8 PNG, for the examples.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQAAAADsdIMmAAAAC0lEQVR4nGNgQAUAABAAATm9j2UAAAAASUVORK5CYII=';
const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** "JPEG 4032 × 3024, 2.9 MiB": an image as the module's `fitted` reports it. */
function describeImage(image) {
  const size =
    image.bytes >= 1024 * 1024
      ? `${(image.bytes / 1024 / 1024).toFixed(1)} MiB`
      : `${Math.ceil(image.bytes / 1024)} KiB`;
  return `${image.format.toUpperCase()} ${image.width} × ${image.height}, ${size}`;
}

/** A 12 MP JPEG drawn in the browser: what a phone camera gives, too large for moments. */
async function phonePhoto() {
  const canvas = document.createElement('canvas');
  canvas.width = 4032;
  canvas.height = 3024;
  const context = canvas.getContext('2d');
  const sky = context.createLinearGradient(0, 0, 0, canvas.height);
  sky.addColorStop(0, '#4a90d9');
  sky.addColorStop(1, '#f5d76e');
  context.fillStyle = sky;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#2e7d32';
  context.fillRect(0, canvas.height * 0.7, canvas.width, canvas.height * 0.3);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  return new File([blob], 'IMG_0001.jpg', { type: 'image/jpeg' });
}

function choice(name) {
  return form.querySelector(`input[name="${name}"]:checked`).value;
}

/** Shows a verdict: a title and a list, each line a text or a [rule, message] pair. */
function show(kind, title, lines, where = verdict) {
  where.className = kind;
  where.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = title;
  where.append(heading);
  if (lines.length === 0) return;
  const list = document.createElement('ul');
  for (const line of lines) {
    const item = document.createElement('li');
    if (Array.isArray(line)) {
      const rule = document.createElement('code');
      rule.textContent = line[0];
      item.append(rule, ` ${line[1]}`);
    } else {
      item.textContent = line;
    }
    list.append(item);
  }
  where.append(list);
}

async function upload(file, query = {}) {
  show('', text.uploading(file.name), []);
  const body = new FormData();
  body.append('media', file, file.name);
  const params = new URLSearchParams({
    media_type: query.media_type ?? choice('media_type'),
    attachment_type: query.attachment_type ?? choice('attachment_type'),
  });
  let res;
  try {
    res = await fetch(`/wecom/attachments?${params}`, { method: 'POST', body });
  } catch (error) {
    show('bad', text.unreachable, [String(error)]);
    return;
  }
  verdict.dataset.status = String(res.status);
  const answer = await res.json().catch(() => ({}));
  if (res.status === 201) {
    // In the page's language, not the browser's: a Chinese page shows a Chinese date.
    const expires = new Date(answer.expires_at * 1000).toLocaleString(
      document.documentElement.lang,
    );
    const lines = [
      `media_id: ${answer.media_id}`,
      `type: ${answer.type}`,
      text.validUntil(expires),
    ];
    // With fit on, an image that broke a rule was made to pass: before and after.
    if (answer.fitted) {
      const { original, sent } = answer.fitted;
      lines.push(text.fitted(describeImage(original), describeImage(sent)));
      verdict.dataset.fitted = `${sent.width}x${sent.height}`;
    } else {
      delete verdict.dataset.fitted;
    }
    show('ok', text.uploaded, lines);
    verdict.dataset.mediaId = answer.media_id;
    return;
  }
  delete verdict.dataset.mediaId;
  // Each violation names its rule, the limit, the value found and what to do next.
  const lines = (answer.violations ?? []).map((v) => [v.rule, v.message]);
  if (lines.length === 0) lines.push(answer.message ?? res.statusText);
  if (answer.errcode !== undefined) lines.push(`errcode ${answer.errcode}`);
  const retry = res.headers.get('retry-after');
  if (retry) lines.push(text.retry(retry));
  const broken = res.status === 400 || res.status === 413;
  show('bad', broken ? text.broken : text.failed(res.status), lines);
}

const EXAMPLES = {
  photo: async () => {
    show('', text.making, []);
    await upload(await phonePhoto(), { media_type: 'image', attachment_type: '1' });
  },
  // Fit repairs size, edges and formats; it cannot make an image of a text file.
  400: () =>
    upload(new File(['not an image'], 'notes.png', { type: 'image/png' }), {
      media_type: 'image',
    }),
  // A video over 10 MiB (an image that large would be received, to be fitted).
  413: () =>
    upload(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'too-large.mp4'), {
      media_type: 'video',
      attachment_type: '1',
    }),
  502: () => withFault(502),
  503: () => withFault(503),
  504: () => withFault(504),
};

/** Asks the app to make the emulator fail the next upload, then uploads a good PNG. */
async function withFault(status) {
  await fetch(`/sample/faults/${status}`, { method: 'POST' });
  await upload(new File([bytes(PNG)], 'product.png', { type: 'image/png' }), {
    media_type: 'image',
    attachment_type: '2',
  });
}

for (const button of document.querySelectorAll('[data-example]')) {
  button.addEventListener('click', () => EXAMPLES[button.dataset.example]());
}
input.addEventListener('change', () => {
  if (input.files[0]) upload(input.files[0]);
  input.value = '';
});
drop.addEventListener('dragover', (event) => {
  event.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer.files[0];
  if (file) upload(file);
});

// Publishes a moment: the text, the senders and the photos, in one request to the app.
const momentForm = document.getElementById('moment');
const momentVerdict = document.getElementById('moment-verdict');
momentForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const photos = document.getElementById('photos').files;
  show('', text.publishing(photos.length), [], momentVerdict);
  const body = new FormData(momentForm);
  if (!body.get('senderUserIds')) body.delete('senderUserIds');
  if (!body.get('text')) body.delete('text');
  let res;
  try {
    res = await fetch('/sample/moments', { method: 'POST', body });
  } catch (error) {
    show('bad', text.unreachable, [String(error)], momentVerdict);
    return;
  }
  const answer = await res.json().catch(() => ({}));
  momentVerdict.dataset.status = String(res.status);
  if (res.status === 201) {
    const lines = [`moment_id: ${answer.momentId}`, `jobid: ${answer.jobId}`];
    answer.photos.forEach((p, i) => lines.push(text.momentPhoto(i + 1, p.mediaId, p.fitted)));
    if (answer.invalidSenders.length > 0)
      lines.push(text.invalidSenders(answer.invalidSenders.join(', ')));
    show('ok', text.published, lines, momentVerdict);
    return;
  }
  // The rules the moment broke (the service's), or the DTO's messages, or WeCom's errcode.
  const lines = (answer.violations ?? []).map((v) => [v.rule, v.message]);
  if (lines.length === 0) {
    const messages = Array.isArray(answer.message)
      ? answer.message
      : [answer.message ?? res.statusText];
    lines.push(...messages);
  }
  if (answer.errcode !== undefined) lines.push(`errcode ${answer.errcode}`);
  show('bad', text.notPublished, lines, momentVerdict);
});

// The app's settings: the language, and whether the emulator stands in for WeCom.
fetch('/sample/info')
  .then((res) => res.json())
  .then((info) => {
    text = TEXT[info.locale] ?? TEXT.en;
    document.documentElement.lang = info.locale;
    if (text.documentTitle) document.title = text.documentTitle;
    for (const element of document.querySelectorAll('[data-text]')) {
      const words = text[element.dataset.text];
      if (typeof words === 'string') render(element, words);
    }
    document.getElementById('emulator').hidden = !info.emulator;
    for (const button of document.querySelectorAll('[data-needs-emulator]')) {
      button.hidden = !info.emulator;
    }
    document.body.dataset.ready = 'true';
  });

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
  },
  'zh-CN': {
    title: '上传企业微信附件',
    emulator:
      '当前连接的是内置的企业微信模拟器：文件不会离开本机，media_id 也不是真的。设置 WECOM_CORP_ID 和 WECOM_CORP_SECRET 后才会上传到企业微信。',
    hint: '文件会发到 POST /wecom/attachments，它会在发往企业微信之前检查 upload_attachment 的每一条规则。',
    attachmentType: '附件类型',
    mediaType: '媒体文件类型',
    drop: '把文件拖到这里，或点击选择文件',
    examples: '试一个错误',
    examplesHint:
      '每个按钮发出一个以该状态码结束的请求。408 需要一个发送过慢的客户端，浏览器做不到；测试覆盖了它。',
    uploading: (name) => `正在上传 ${name}…`,
    uploaded: '上传成功',
    validUntil: (when) => `有效期至 ${when}`,
    broken: '未上传：文件不符合规则',
    failed: (status) => `未上传（HTTP ${status}）`,
    unreachable: '上传没有到达服务器',
    retry: (seconds) => `请 ${seconds} 秒后重试`,
  },
};
let text = TEXT.en;

// A valid 8 × 8 PNG and a 1 × 1 GIF, for the examples.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAIAQAAAADsdIMmAAAAC0lEQVR4nGNgQAUAABAAATm9j2UAAAAASUVORK5CYII=';
const GIF = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';
const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

function choice(name) {
  return form.querySelector(`input[name="${name}"]:checked`).value;
}

/** Shows a verdict: a title and a list, each line a text or a [rule, message] pair. */
function show(kind, title, lines) {
  verdict.className = kind;
  verdict.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = title;
  verdict.append(heading);
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
  verdict.append(list);
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
    const expires = new Date(answer.expires_at * 1000).toLocaleString();
    show('ok', text.uploaded, [
      `media_id: ${answer.media_id}`,
      `type: ${answer.type}`,
      text.validUntil(expires),
    ]);
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
  400: () =>
    upload(new File([bytes(GIF)], 'animation.gif', { type: 'image/gif' }), { media_type: 'image' }),
  413: () =>
    upload(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'too-large.png'), {
      media_type: 'image',
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

// The app's settings: the language, and whether the emulator stands in for WeCom.
fetch('/sample/info')
  .then((res) => res.json())
  .then((info) => {
    text = TEXT[info.locale] ?? TEXT.en;
    document.documentElement.lang = info.locale;
    for (const element of document.querySelectorAll('[data-text]')) {
      const words = text[element.dataset.text];
      if (typeof words === 'string') element.textContent = words;
    }
    document.getElementById('emulator').hidden = !info.emulator;
    for (const button of document.querySelectorAll('[data-needs-emulator]')) {
      button.hidden = !info.emulator;
    }
    document.body.dataset.ready = 'true';
  });

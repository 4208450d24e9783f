// Sends the chosen file to the module's controller and shows its verdict in plain words.
const form = document.getElementById('upload');
const input = document.getElementById('file');
const drop = document.getElementById('drop');
const verdict = document.getElementById('verdict');

function choice(name) {
  return form.querySelector(`input[name="${name}"]:checked`).value;
}

function show(kind, title, lines) {
  verdict.className = kind;
  verdict.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = title;
  verdict.append(heading);
  if (lines.length > 0) {
    const list = document.createElement('ul');
    for (const line of lines) {
      const item = document.createElement('li');
      item.textContent = line;
      list.append(item);
    }
    verdict.append(list);
  }
}

async function upload(file) {
  show('', `Uploading ${file.name}…`, []);
  const body = new FormData();
  body.append('media', file, file.name);
  const query = new URLSearchParams({
    media_type: choice('media_type'),
    attachment_type: choice('attachment_type'),
  });
  let res;
  try {
    res = await fetch(`/wecom/attachments?${query}`, { method: 'POST', body });
  } catch (error) {
    show('bad', 'The upload did not reach the server', [String(error)]);
    return;
  }
  const answer = await res.json().catch(() => ({}));
  if (res.status === 201) {
    const expires = new Date(answer.expires_at * 1000).toLocaleString();
    show('ok', 'Uploaded', [
      `media_id: ${answer.media_id}`,
      `type: ${answer.type}`,
      `valid until ${expires}`,
    ]);
    verdict.dataset.mediaId = answer.media_id;
    return;
  }
  const reasons = (answer.violations ?? []).map((v) => v.message);
  if (answer.errcode !== undefined) reasons.push(`WeCom errcode ${answer.errcode}`);
  const retry = res.headers.get('retry-after');
  if (retry) reasons.push(`try again in ${retry} s`);
  const title =
    res.status === 400 || res.status === 413
      ? 'Not uploaded: this file breaks the rules'
      : `Not uploaded (HTTP ${res.status})`;
  show('bad', title, reasons.length > 0 ? reasons : [answer.message ?? res.statusText]);
  delete verdict.dataset.mediaId;
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

// dbops local workspace: the page. The server renders message bodies, modals and the App Home to
// HTML (escaped there); this script lays them out, keeps the view in step with the server's state
// feed, and turns what you do into calls that the server sends to dbops as signed Slack requests.
// Names and other plain text go into the page with textContent only.

const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
};

const ui = {
  state: null,
  me: localStorage.getItem('dbops.me') || '',
  /** { kind: 'channel', id } or { kind: 'app', tab: 'home' | 'messages' | 'about' } */
  pane: JSON.parse(localStorage.getItem('dbops.pane') || 'null'),
  thread: null, // { channel, ts }
  seen: JSON.parse(localStorage.getItem('dbops.seen') || '{}'), // `${me}/${channel}` -> last ts seen
  dismissed: new Set(),
  modalKey: '',
  homeKey: '',
  attachment: null, // { name, content }
  fetching: false,
  again: false,
  flash: null,
};

// ---- talking to the server -----------------------------------------------------------------
async function refresh() {
  if (ui.fetching) {
    ui.again = true;
    return;
  }
  ui.fetching = true;
  try {
    const res = await fetch(`/api/state?user=${encodeURIComponent(ui.me)}`);
    if (res.ok) render(await res.json());
  } catch (err) {
    setLive(false);
  } finally {
    ui.fetching = false;
    if (ui.again) {
      ui.again = false;
      refresh();
    }
  }
}

async function act(what, body) {
  try {
    const res = await fetch(`/api/${what}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: ui.me, ...body }),
    });
    const out = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
    if (!out.ok && !out.errors) toast(out.error || 'Something went wrong', true);
    refresh();
    return out;
  } catch (err) {
    toast('The local workspace server is not answering. Is dbops still running?', true);
    return { ok: false, error: String(err) };
  }
}

function connect() {
  const source = new EventSource('/api/stream');
  source.onopen = () => setLive(true);
  source.onmessage = () => refresh();
  source.onerror = () => setLive(false);
  // A safety net when the stream is down: poll.
  setInterval(() => {
    if (source.readyState !== EventSource.OPEN) refresh();
  }, 3000);
}

function setLive(live) {
  $('connection').classList.toggle('live', live);
  $('connection').title = live ? 'Connected to dbops' : 'Reconnecting…';
}

// ---- rendering ------------------------------------------------------------------------------
function render(state) {
  const previous = ui.state;
  ui.state = state;
  if (ui.me !== state.me.id) {
    ui.me = state.me.id;
    localStorage.setItem('dbops.me', ui.me);
  }
  if (
    !ui.pane ||
    (ui.pane.kind === 'channel' && !state.channels.some((c) => c.id === ui.pane.id && c.kind === 'channel'))
  ) {
    const general =
      state.channels.find((c) => c.name === 'general') || state.channels.find((c) => c.kind === 'channel');
    ui.pane = general ? { kind: 'channel', id: general.id } : { kind: 'app', tab: 'home' };
  }
  if (ui.thread && !visibleChannel(ui.thread.channel)) ui.thread = null;
  renderMe(state);
  renderSidebar(state);
  renderPane(state, previous);
  renderThread(state);
  renderModal(state);
  markSeen();
}

function visibleChannel(id) {
  return ui.state.channels.some((c) => c.id === id);
}

function currentChannel() {
  if (!ui.state) return null;
  if (ui.pane.kind === 'channel') return ui.pane.id;
  return ui.pane.tab === 'messages' ? ui.state.bot.dm : null;
}

function avatar(who, size) {
  const a = el('span', `avatar${size ? ` avatar-${size}` : ''}`);
  if (who.kind === 'app') a.classList.add('app');
  else if (who.kind === 'slackbot') a.classList.add('slackbot');
  else a.classList.add(`c${who.color}`);
  a.textContent = who.initials;
  a.title = who.name;
  return a;
}

function roleBadge(role) {
  const b = el('span', `role-badge ${role}`, role === 'dba' ? 'DBA' : 'Developer');
  return b;
}

function renderMe(state) {
  const me = state.me;
  const av = $('me-avatar');
  av.className = `avatar avatar-sm c${me.color}`;
  av.textContent = me.initials;
  $('me-name').textContent = me.realName;
  $('me-role').className = `role-badge ${me.role}`;
  $('me-role').textContent = me.role === 'dba' ? 'DBA' : 'Developer';
  $('acting-as').textContent = `${me.realName} (${me.role === 'dba' ? 'DBA' : 'developer'})`;
  $('team-name').textContent = state.team.name;
  $('team-name-top').textContent = state.team.name;
  const menu = $('user-menu');
  menu.replaceChildren(el('div', 'menu-title', 'Act as'));
  for (const p of state.people) {
    const item = el('button', `menu-item${p.id === me.id ? ' current' : ''}`);
    item.type = 'button';
    item.dataset.person = p.id;
    item.setAttribute('role', 'menuitem');
    const who = el('span', 'who', p.realName);
    who.append(el('small', '', `@${p.name}`));
    item.append(avatar({ ...p, kind: 'person' }, 'sm'), who, roleBadge(p.role));
    menu.append(item);
  }
}

function unreadCount(state, channel) {
  const seen = ui.seen[`${state.me.id}/${channel}`] || '0';
  return state.messages.filter(
    (m) => m.channel === channel && !m.threadTs && m.author.id !== state.me.id && Number(m.ts) > Number(seen),
  ).length;
}

function renderSidebar(state) {
  const list = $('channel-list');
  list.replaceChildren();
  const channels = state.channels.filter((c) => c.kind === 'channel').sort((a, b) => a.name.localeCompare(b.name));
  for (const c of channels) {
    const li = el('li');
    const b = el('button', 'side-item');
    b.type = 'button';
    b.dataset.channel = c.id;
    b.append(el('span', 'hash', '#'), el('span', 'name', c.name));
    const unread = ui.pane.kind === 'channel' && ui.pane.id === c.id ? 0 : unreadCount(state, c.id);
    if (unread > 0) b.classList.add('unread');
    if (ui.pane.kind === 'channel' && ui.pane.id === c.id) b.classList.add('active');
    li.append(b);
    list.append(li);
  }
  const apps = $('app-list');
  apps.replaceChildren();
  const li = el('li');
  const b = el('button', 'side-item');
  b.type = 'button';
  b.dataset.app = 'dbops';
  b.append(avatar({ kind: 'app', initials: 'db', name: 'dbops' }, 'xs'), el('span', 'name', 'dbops'));
  const unread = ui.pane.kind === 'app' && ui.pane.tab === 'messages' ? 0 : unreadCount(state, state.bot.dm);
  if (unread > 0) {
    b.classList.add('unread');
    b.append(el('span', 'badge', String(unread)));
  }
  if (ui.pane.kind === 'app') b.classList.add('active');
  li.append(b);
  apps.append(li);
}

function renderPane(state, previous) {
  const isApp = ui.pane.kind === 'app';
  const channel = isApp ? null : state.channels.find((c) => c.id === ui.pane.id);
  $('pane-title').textContent = isApp ? 'dbops' : `# ${channel ? channel.name : ''}`;
  $('pane-purpose').textContent = isApp
    ? 'App · review, approve and run MySQL/MariaDB changes'
    : channel?.purpose || '';
  $('app-tabs').hidden = !isApp;
  for (const t of document.querySelectorAll('.tab'))
    t.classList.toggle('active', isApp && t.dataset.tab === ui.pane.tab);
  const showMessages = !isApp || ui.pane.tab === 'messages';
  $('messages').hidden = !showMessages;
  $('composer').hidden = !showMessages;
  $('home').hidden = !(isApp && ui.pane.tab === 'home');
  $('about').hidden = !(isApp && ui.pane.tab === 'about');
  if (showMessages) {
    const id = currentChannel();
    const name = isApp ? 'dbops' : `#${channel ? channel.name : ''}`;
    $('composer-input').placeholder = isApp
      ? 'Message dbops: a ```sql block, or share a .sql file'
      : `Message ${name} · type /dbops to run a command`;
    const intro = () => {
      const box = el('div', 'empty');
      box.dataset.key = `intro/${id}`;
      box.append(
        el(
          'h3',
          '',
          isApp
            ? 'This is your conversation with dbops'
            : `This is the very beginning of #${channel ? channel.name : ''}`,
        ),
      );
      box.append(
        el(
          'div',
          '',
          isApp
            ? 'Send a ```sql block or share a .sql file to have it reviewed; dbops also writes to you here when your tickets move.'
            : channel?.purpose || 'Type /dbops help to see what dbops can do.',
        ),
      );
      return box;
    };
    renderMessages(
      $('messages'),
      state.messages.filter((m) => m.channel === id && (!m.threadTs || m.threadTs === m.ts || m.broadcast)),
      state,
      { threads: true, empty: intro },
    );
  }
  if (isApp && ui.pane.tab === 'home') renderHome(state);
}

function renderHome(state) {
  const home = $('home');
  const key = state.home ? `${state.me.id}/${state.home.hash}` : `${state.me.id}/none`;
  if (key === ui.homeKey) return;
  ui.homeKey = key;
  if (!state.home) {
    const empty = el('div', 'empty');
    empty.append(el('h3', '', 'Loading your Home…'), el('div', '', 'dbops publishes this tab each time you open it.'));
    home.replaceChildren(empty);
    return;
  }
  home.innerHTML = state.home.html; // rendered and escaped by the server
  home.dataset.viewId = state.home.viewId;
  highlightMe(home, state);
}

/** Keyed update of a message list: unchanged messages keep their DOM node (and the reader's place). */
function renderMessages(container, messages, state, opts) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 60;
  const switched = container.dataset.for !== `${state.me.id}/${opts.key || currentChannel()}`;
  container.dataset.for = `${state.me.id}/${opts.key || currentChannel()}`;
  const visible = messages.filter((m) => !ui.dismissed.has(`${m.channel}/${m.ts}`));
  const replies = opts.threads ? repliesByThread(state) : new Map();
  const existing = new Map([...container.children].filter((n) => n.dataset.key).map((n) => [n.dataset.key, n]));
  let previous = null;
  const wanted = [];
  for (const m of visible) {
    const cont =
      previous !== null &&
      !m.ephemeral &&
      !previous.ephemeral &&
      previous.author.id === m.author.id &&
      new Date(m.postedAt) - new Date(previous.postedAt) < 5 * 60_000 &&
      !(replies.get(previous.ts) || []).length;
    const thread = replies.get(m.ts) || [];
    const sig = JSON.stringify([
      m.html,
      m.edited,
      cont,
      thread.length,
      thread.length ? thread[thread.length - 1].ts : '',
      state.me.id,
    ]);
    const key = `${m.channel}/${m.ts}`;
    let node = existing.get(key);
    if (!node || node.dataset.sig !== sig) node = messageNode(m, { cont, thread, state, inThread: !!opts.inThread });
    node.dataset.key = key;
    node.dataset.sig = sig;
    wanted.push(node);
    // In a thread the first reply starts its own group under the "N replies" divider.
    previous = opts.inThread && wanted.length === 1 ? null : m;
  }
  if (visible.length === 0 && opts.empty) wanted.push(opts.empty());
  // Put the wanted nodes in order, touching only what moved.
  let cursor = container.firstChild;
  for (const node of wanted) {
    if (node === cursor) {
      cursor = cursor.nextSibling;
      continue;
    }
    container.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  if (switched || atBottom) container.scrollTop = container.scrollHeight;
  if (ui.flash) {
    const target = container.querySelector(`[data-key="${CSS.escape(ui.flash)}"]`);
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.classList.add('flash');
      ui.flash = null;
    }
  }
}

function repliesByThread(state) {
  const map = new Map();
  for (const m of state.messages) {
    if (!m.threadTs || m.ephemeral) continue;
    if (!map.has(m.threadTs)) map.set(m.threadTs, []);
    map.get(m.threadTs).push(m);
  }
  return map;
}

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

function messageNode(m, { cont, thread, state, inThread }) {
  const node = el('div', `msg${cont ? ' cont' : ''}${m.ephemeral ? ' ephemeral' : ''}`);
  node.dataset.channel = m.channel;
  node.dataset.ts = m.ts;
  if (m.threadTs) node.dataset.threadTs = m.threadTs;
  const gutter = el('div', 'msg-gutter');
  gutter.append(avatar(m.author));
  const main = el('div', 'msg-main');
  if (m.ephemeral) {
    const only = el('div', 'msg-only-you', '👁 Only visible to you');
    const dismiss = el('button', 'dismiss', 'Dismiss message');
    dismiss.type = 'button';
    dismiss.dataset.dismiss = `${m.channel}/${m.ts}`;
    only.append(dismiss);
    main.append(only);
  }
  if (m.broadcast) {
    const note = el('div', 'msg-broadcast');
    if (inThread) note.textContent = 'Also sent to the channel';
    else {
      const link = el('button', 'link-button', 'replied to a thread');
      link.type = 'button';
      link.dataset.openThread = m.threadTs;
      note.append(link);
    }
    main.append(note);
  }
  const meta = el('div', 'msg-meta');
  meta.append(el('span', 'msg-author', m.author.name));
  if (m.author.kind === 'app') meta.append(el('span', 'app-badge', 'APP'));
  const time = el('span', 'msg-time', timeOf(m.postedAt));
  time.title = new Date(m.postedAt).toLocaleString();
  meta.append(time);
  if (m.edited) meta.append(el('span', 'msg-edited', '(edited)'));
  const body = el('div', 'msg-body');
  body.innerHTML = m.html; // rendered and escaped by the server
  highlightMe(body, state);
  main.append(meta, body);
  if (thread.length > 0 && !inThread) {
    const b = el('button', 'msg-replies');
    b.type = 'button';
    b.dataset.openThread = m.ts;
    const faces = [...new Map(thread.map((r) => [r.author.id, r.author])).values()].slice(0, 3);
    for (const f of faces) b.append(avatar(f, 'xs'));
    b.append(
      el('span', '', `${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}`),
      el('span', 'last', `Last reply ${timeOf(thread[thread.length - 1].postedAt)}`),
    );
    main.append(b);
  }
  node.append(gutter, main);
  if (!inThread && !m.ephemeral) {
    const hover = el('div', 'msg-actions-hover');
    const reply = el('button', '', '💬 Reply in thread');
    reply.type = 'button';
    reply.dataset.openThread = m.ts;
    hover.append(reply);
    node.append(hover);
  }
  return node;
}

function highlightMe(root, state) {
  for (const mention of root.querySelectorAll('.mk-mention[data-user]'))
    mention.classList.toggle('me', mention.dataset.user === state.me.id);
}

function renderThread(state) {
  const panel = $('thread');
  if (!ui.thread) {
    panel.hidden = true;
    return;
  }
  const parent = state.messages.find((m) => m.channel === ui.thread.channel && m.ts === ui.thread.ts);
  if (!parent) {
    ui.thread = null;
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  const channel = state.channels.find((c) => c.id === ui.thread.channel);
  $('thread-channel').textContent = channel ? (channel.kind === 'dm' ? 'dbops' : `#${channel.name}`) : '';
  const replies = state.messages.filter(
    (m) => m.channel === ui.thread.channel && m.threadTs === ui.thread.ts && m.ts !== ui.thread.ts,
  );
  const list = $('thread-messages');
  const items = [parent, ...replies];
  renderMessages(list, items, state, { key: `thread/${ui.thread.channel}/${ui.thread.ts}`, inThread: true });
  // The "N replies" divider after the parent.
  list.querySelector('.thread-divider')?.remove();
  const first = list.querySelector('.msg');
  if (first) {
    const divider = el('div', 'thread-divider', `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`);
    first.after(divider);
  }
}

function renderModal(state) {
  const overlay = $('modal-overlay');
  const modal = state.modal;
  if (!modal) {
    overlay.hidden = true;
    ui.modalKey = '';
    return;
  }
  const key = `${modal.viewId}/${modal.hash}`;
  if (key === ui.modalKey) return;
  const keep = ui.modalKey.startsWith(`${modal.viewId}/`) ? collectValues($('modal-body')) : null;
  ui.modalKey = key;
  overlay.hidden = false;
  $('modal').dataset.viewId = modal.viewId;
  $('modal-title').textContent = modal.title;
  $('modal-close').textContent = modal.close;
  $('modal-submit').textContent = modal.submit || '';
  $('modal-submit').hidden = !modal.submit;
  $('modal-back').hidden = modal.depth === 0;
  $('modal-error').hidden = true;
  const body = $('modal-body');
  body.innerHTML = modal.html; // rendered and escaped by the server
  if (keep) restoreValues(body, keep);
  const first = body.querySelector('input, textarea, select');
  if (first) first.focus();
}

// ---- modal values ------------------------------------------------------------------------------
function optionOf(value, label) {
  return { text: { type: 'plain_text', text: label, emoji: true }, value };
}

/** view.state.values as Slack sends it: { block_id: { action_id: { type, value | selected_* } } } */
function collectValues(root) {
  const values = {};
  for (const field of root.querySelectorAll('[data-block-id][data-action-id][data-type]')) {
    const { blockId, actionId, type } = field.dataset;
    let v;
    if (['plain_text_input', 'email_text_input', 'url_text_input', 'number_input'].includes(type))
      v = { type, value: field.value === '' ? null : field.value };
    else if (type === 'static_select') {
      const o = field.selectedOptions[0];
      v = { type, selected_option: o?.value ? optionOf(o.value, o.textContent) : null };
    } else if (type === 'datepicker') v = { type, selected_date: field.value || null };
    else if (type === 'timepicker') v = { type, selected_time: field.value || null };
    else if (type === 'checkboxes')
      v = {
        type,
        selected_options: [...field.querySelectorAll('input:checked')].map((i) => optionOf(i.value, i.dataset.label)),
      };
    else if (type === 'radio_buttons') {
      const i = field.querySelector('input:checked');
      v = { type, selected_option: i ? optionOf(i.value, i.dataset.label) : null };
    } else continue;
    values[blockId] ||= {};
    values[blockId][actionId] = v;
  }
  return values;
}

function restoreValues(root, values) {
  for (const field of root.querySelectorAll('[data-block-id][data-action-id]')) {
    const v = values[field.dataset.blockId] && values[field.dataset.blockId][field.dataset.actionId];
    if (v && 'value' in v && v.value !== null && (field.tagName === 'INPUT' || field.tagName === 'TEXTAREA'))
      field.value = v.value;
  }
}

function isEmpty(v) {
  if (!v) return true;
  if ('value' in v) return v.value === null || String(v.value).trim() === '';
  if ('selected_options' in v) return v.selected_options.length === 0;
  if ('selected_option' in v) return !v.selected_option;
  if ('selected_date' in v) return !v.selected_date;
  if ('selected_time' in v) return !v.selected_time;
  return false;
}

function showErrors(errors) {
  for (const slot of document.querySelectorAll('#modal-body .bk-error')) {
    const message = errors[slot.dataset.errorFor];
    slot.hidden = !message;
    slot.textContent = message || '';
    slot.closest('.bk-input')?.classList.toggle('invalid', !!message);
  }
}

async function submitModal(event) {
  event.preventDefault();
  const viewId = $('modal').dataset.viewId;
  const body = $('modal-body');
  const values = collectValues(body);
  const missing = {};
  for (const block of body.querySelectorAll('.bk-input[data-optional="false"]')) {
    const id = block.dataset.inputBlock;
    const v = Object.values(values[id] || {})[0];
    if (isEmpty(v)) missing[id] = 'Please complete this required field.';
    const min = block.querySelector('[data-min-length]');
    if (min && v?.value && v.value.length < Number(min.dataset.minLength))
      missing[id] = `Please enter at least ${min.dataset.minLength} characters.`;
  }
  showErrors(missing);
  if (Object.keys(missing).length > 0) return;
  const submit = $('modal-submit');
  submit.disabled = true;
  const out = await act('submit', { viewId, values });
  submit.disabled = false;
  if (out.errors) {
    showErrors(out.errors);
    const unplaced = Object.keys(out.errors).filter((k) => !body.querySelector(`[data-error-for="${CSS.escape(k)}"]`));
    $('modal-error').hidden = unplaced.length === 0;
    $('modal-error').textContent = unplaced.map((k) => out.errors[k]).join(' ');
  } else if (!out.ok) {
    $('modal-error').hidden = false;
    $('modal-error').textContent = out.error;
  }
}

// ---- buttons and confirm dialogs ----------------------------------------------------------------
function confirmFirst(button) {
  const d = button.dataset;
  if (!d.confirmTitle) return Promise.resolve(true);
  return new Promise((resolve) => {
    $('confirm-title').textContent = d.confirmTitle;
    $('confirm-body').innerHTML = d.confirmBody || ''; // rendered and escaped by the server
    $('confirm-ok').textContent = d.confirmOk;
    $('confirm-ok').className = `btn ${d.confirmStyle === 'danger' ? 'btn-danger' : 'btn-primary'}`;
    $('confirm-deny').textContent = d.confirmDeny;
    $('confirm-overlay').hidden = false;
    $('confirm-ok').focus();
    const done = (answer) => {
      $('confirm-overlay').hidden = true;
      $('confirm-ok').onclick = null;
      $('confirm-deny').onclick = null;
      resolve(answer);
    };
    $('confirm-ok').onclick = () => done(true);
    $('confirm-deny').onclick = () => done(false);
  });
}

async function clickButton(button) {
  if (button.classList.contains('busy')) return;
  if (!(await confirmFirst(button))) return;
  const d = button.dataset;
  if (d.url && /^https?:\/\//i.test(d.url)) window.open(d.url, '_blank', 'noopener,noreferrer');
  const click = { actionId: d.actionId, blockId: d.blockId, value: d.value };
  const inModal = button.closest('#modal-body');
  const inHome = button.closest('#home');
  const msg = button.closest('.msg');
  if (inModal) Object.assign(click, { viewId: $('modal').dataset.viewId, values: collectValues(inModal) });
  else if (inHome) Object.assign(click, { viewId: inHome.dataset.viewId, values: {} });
  else if (msg) Object.assign(click, { channel: msg.dataset.channel, ts: msg.dataset.ts });
  else return;
  button.classList.add('busy');
  await act('click', click);
  button.classList.remove('busy');
}

// ---- composing -----------------------------------------------------------------------------------
const SLASH = [
  {
    name: '/dbops',
    usage: 'help | review <sql> | exec cluster.schema <sql> | migrate src→dst | ticket T-42',
    desc: 'Review SQL, request changes and migrations, see tickets',
  },
];

function updateSlashMenu() {
  const text = $('composer-input').value;
  const menu = $('slash-menu');
  const show = /^\/\S*$/.test(text) && SLASH.some((c) => c.name.startsWith(text));
  menu.hidden = !show;
  if (!show) return;
  menu.replaceChildren(el('div', 'slash-head', 'Commands'));
  for (const c of SLASH.filter((x) => x.name.startsWith(text))) {
    const item = el('div', 'slash-item active');
    item.dataset.command = c.name;
    item.append(el('span', 'slash-name', c.name), el('span', 'slash-usage', c.usage));
    menu.append(item);
  }
}

function autoGrow(area) {
  area.style.height = 'auto';
  area.style.height = `${Math.min(area.scrollHeight, 300)}px`;
}

async function send(event) {
  event.preventDefault();
  const input = $('composer-input');
  const text = input.value;
  const channel = currentChannel();
  if (!channel || (text.trim() === '' && !ui.attachment)) return;
  input.value = '';
  autoGrow(input);
  $('slash-menu').hidden = true;
  if (text.trim().startsWith('/') && !ui.attachment) {
    await act('command', { channel, text: text.trim() });
    return;
  }
  const file = ui.attachment;
  setAttachment(null);
  await act('message', { channel, text, ...(file ? { file } : {}) });
}

async function sendReply(event) {
  event.preventDefault();
  const input = $('thread-input');
  const text = input.value;
  if (!ui.thread || text.trim() === '') return;
  input.value = '';
  autoGrow(input);
  if (text.trim().startsWith('/')) {
    await act('command', { channel: ui.thread.channel, text: text.trim() });
    return;
  }
  await act('message', { channel: ui.thread.channel, text, threadTs: ui.thread.ts });
}

function setAttachment(file) {
  ui.attachment = file;
  $('attachment').hidden = !file;
  $('attachment-name').textContent = file ? file.name : '';
  $('attach').value = '';
}

async function attach(file) {
  if (!file) return;
  if (file.size > 2 * 1024 * 1024) {
    toast(`${file.name} is over 2 MB`, true);
    return;
  }
  setAttachment({ name: file.name, content: await file.text() });
  $('composer-input').focus();
}

// ---- navigation -------------------------------------------------------------------------------------
function go(pane) {
  ui.pane = pane;
  localStorage.setItem('dbops.pane', JSON.stringify(pane));
  if (pane.kind === 'app' && pane.tab === 'home') act('home', {});
  if (ui.state) render(ui.state);
  $('composer-input').focus();
}

function openThread(channel, ts) {
  ui.thread = { channel, ts };
  if (ui.state) render(ui.state);
  $('thread-input').focus();
}

function navigate(channel, ts, thread) {
  if (!ui.state || !visibleChannel(channel)) {
    toast('That message is in a channel you cannot see.', true);
    return;
  }
  const c = ui.state.channels.find((x) => x.id === channel);
  go(c.kind === 'dm' ? { kind: 'app', tab: 'messages' } : { kind: 'channel', id: channel });
  if (thread) openThread(channel, thread);
  ui.flash = `${channel}/${ts}`;
  render(ui.state);
}

function switchUser(id) {
  ui.me = id;
  localStorage.setItem('dbops.me', id);
  ui.homeKey = '';
  ui.modalKey = '';
  $('user-menu').hidden = true;
  $('switch-user').setAttribute('aria-expanded', 'false');
  toastPlain(`You are now acting as ${ui.state ? ui.state.people.find((p) => p.id === id)?.realName : id}.`);
  if (ui.pane && ui.pane.kind === 'app' && ui.pane.tab === 'home') act('home', {});
  refresh();
}

function markSeen() {
  const channel = currentChannel();
  if (!channel || !ui.state) return;
  const last = ui.state.messages.filter((m) => m.channel === channel).at(-1);
  if (!last) return;
  const key = `${ui.state.me.id}/${channel}`;
  if (ui.seen[key] === last.ts) return;
  ui.seen[key] = last.ts;
  localStorage.setItem('dbops.seen', JSON.stringify(ui.seen));
}

function toast(text, error) {
  const t = el('div', `toast${error ? ' error' : ''}`, text);
  $('toasts').append(t);
  setTimeout(() => t.remove(), error ? 7000 : 3000);
}
function toastPlain(text) {
  toast(text, false);
}

// ---- wiring -----------------------------------------------------------------------------------------
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const button = target.closest('.bk-button');
  if (button) {
    event.preventDefault();
    clickButton(button);
    return;
  }
  const nav = target.closest('[data-nav-channel]');
  if (nav) {
    event.preventDefault();
    navigate(nav.dataset.navChannel, nav.dataset.navTs || '', nav.dataset.navThread || '');
    return;
  }
  const threadButton = target.closest('[data-open-thread]');
  if (threadButton) {
    const msg = threadButton.closest('.msg');
    openThread(msg.dataset.channel, threadButton.dataset.openThread);
    return;
  }
  const dismiss = target.closest('[data-dismiss]');
  if (dismiss) {
    ui.dismissed.add(dismiss.dataset.dismiss);
    if (ui.state) render(ui.state);
    return;
  }
  const channel = target.closest('[data-channel].side-item');
  if (channel) {
    go({ kind: 'channel', id: channel.dataset.channel });
    return;
  }
  const app = target.closest('[data-app]');
  if (app) {
    go({ kind: 'app', tab: ui.pane && ui.pane.kind === 'app' ? ui.pane.tab : 'home' });
    return;
  }
  const tab = target.closest('.tab');
  if (tab) {
    go({ kind: 'app', tab: tab.dataset.tab });
    return;
  }
  const person = target.closest('[data-person]');
  if (person) {
    switchUser(person.dataset.person);
    return;
  }
  if (target.closest('#switch-user')) {
    const menu = $('user-menu');
    menu.hidden = !menu.hidden;
    $('switch-user').setAttribute('aria-expanded', String(!menu.hidden));
    return;
  }
  if (!target.closest('#user-menu')) $('user-menu').hidden = true;
  const slash = target.closest('[data-command]');
  if (slash) {
    $('composer-input').value = `${slash.dataset.command} `;
    $('slash-menu').hidden = true;
    $('composer-input').focus();
  }
});

function onEnter(area, form) {
  area.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      if (
        area.id === 'composer-input' &&
        !$('slash-menu').hidden &&
        /^\/\S*$/.test(area.value) &&
        area.value !== '/dbops'
      ) {
        event.preventDefault();
        area.value = `${SLASH[0].name} `;
        updateSlashMenu();
        return;
      }
      event.preventDefault();
      form.requestSubmit();
    }
  });
  area.addEventListener('input', () => {
    autoGrow(area);
    if (area.id === 'composer-input') updateSlashMenu();
  });
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (!$('confirm-overlay').hidden) {
    $('confirm-deny').click();
    return;
  }
  if (!$('modal-overlay').hidden) {
    $('modal-close').click();
    return;
  }
  $('user-menu').hidden = true;
});

function closeModal() {
  const viewId = $('modal').dataset.viewId;
  $('modal-overlay').hidden = true;
  ui.modalKey = '';
  if (viewId) act('close', { viewId });
}

window.addEventListener('DOMContentLoaded', () => {
  $('composer').addEventListener('submit', send);
  $('thread-composer').addEventListener('submit', sendReply);
  onEnter($('composer-input'), $('composer'));
  onEnter($('thread-input'), $('thread-composer'));
  $('modal').addEventListener('submit', submitModal);
  $('modal-close').addEventListener('click', closeModal);
  $('modal-x').addEventListener('click', closeModal);
  $('modal-back').addEventListener('click', closeModal);
  $('thread-close').addEventListener('click', () => {
    ui.thread = null;
    if (ui.state) render(ui.state);
  });
  $('attach').addEventListener('change', (event) => attach(event.target.files[0]));
  $('attachment-remove').addEventListener('click', () => setAttachment(null));
  const main = $('main');
  main.addEventListener('dragover', (event) => {
    event.preventDefault();
  });
  main.addEventListener('drop', (event) => {
    event.preventDefault();
    attach(event.dataTransfer.files[0]);
  });
  if (ui.pane && ui.pane.kind === 'app' && ui.pane.tab === 'home') act('home', {});
  refresh();
  connect();
});

/**
 * Block Kit as HTML for the local workspace: the blocks dbops sends (header, section with text,
 * fields and accessory, context, divider, actions, input, image, rich_text) and legacy attachments.
 * Pure functions of the JSON Slack holds; interactive elements carry data-* attributes the page
 * turns into block_actions and view_submission payloads. Unknown blocks show as a labelled stub.
 */
import { escapeAttr, escapeHtml } from './html.js';
import { mrkdwnToHtml, plainToHtml, type RenderContext } from './mrkdwn.js';

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** A text object (plain_text or mrkdwn) as HTML. */
export function textObject(t: unknown, ctx: RenderContext): string {
  if (!isObject(t)) return '';
  if (t.type === 'mrkdwn') return mrkdwnToHtml(text(t.text), ctx);
  return plainToHtml(text(t.text), t.emoji !== false);
}

/** The plain words of a text object (button labels, options), escaped. */
function plain(t: unknown): string {
  return isObject(t) ? plainToHtml(text(t.text), t.emoji !== false) : '';
}

export function renderBlocks(blocks: unknown, ctx: RenderContext): string {
  return list(blocks)
    .map((b, i) => renderBlock(b, i, ctx))
    .join('');
}

function renderBlock(b: Json, index: number, ctx: RenderContext): string {
  const blockId = text(b.block_id) || `b${index}`;
  switch (b.type) {
    case 'header':
      return `<div class="bk-header">${plain(b.text)}</div>`;
    case 'section':
      return section(b, blockId, ctx);
    case 'context':
      return `<div class="bk-context">${list(b.elements)
        .map((e) => contextElement(e, ctx))
        .join('')}</div>`;
    case 'divider':
      return '<hr class="bk-divider">';
    case 'actions':
      return `<div class="bk-actions">${list(b.elements)
        .map((e) => element(e, blockId, ctx))
        .join('')}</div>`;
    case 'input':
      return input(b, blockId, ctx);
    case 'image':
      return image(b);
    case 'rich_text':
      return `<div class="bk-rich">${list(b.elements)
        .map((e) => richElement(e, ctx))
        .join('')}</div>`;
    default:
      return `<div class="bk-unknown">[${escapeHtml(text(b.type) || 'block')} block: not shown in the local workspace]</div>`;
  }
}

function section(b: Json, blockId: string, ctx: RenderContext): string {
  const body = b.text ? `<div class="bk-text">${textObject(b.text, ctx)}</div>` : '';
  const fields = list(b.fields);
  const grid =
    fields.length > 0
      ? `<div class="bk-fields">${fields.map((f) => `<div class="bk-field">${textObject(f, ctx)}</div>`).join('')}</div>`
      : '';
  const accessory = isObject(b.accessory)
    ? `<div class="bk-accessory">${element(b.accessory, blockId, ctx)}</div>`
    : '';
  return `<div class="bk-section${accessory ? ' bk-with-accessory' : ''}"><div class="bk-section-main">${body}${grid}</div>${accessory}</div>`;
}

function contextElement(e: Json, ctx: RenderContext): string {
  if (e.type === 'image') return `<span class="bk-context-image" title="${escapeAttr(text(e.alt_text))}">▣</span>`;
  return `<span class="bk-context-text">${textObject(e, ctx)}</span>`;
}

function image(b: Json): string {
  const title = isObject(b.title) ? `<div class="bk-image-title">${plain(b.title)}</div>` : '';
  return `<div class="bk-image">${title}<div class="bk-image-stub">🖼 ${escapeHtml(text(b.alt_text) || 'image')}</div></div>`;
}

/** Interactive elements of actions blocks and section accessories. */
function element(e: Json, blockId: string, ctx: RenderContext): string {
  if (e.type === 'button') return button(e, blockId, ctx);
  if (e.type === 'image') return `<span class="bk-image-stub" title="${escapeAttr(text(e.alt_text))}">🖼</span>`;
  if (
    e.type === 'static_select' ||
    e.type === 'overflow' ||
    e.type === 'users_select' ||
    e.type === 'conversations_select'
  ) {
    const placeholder = isObject(e.placeholder) ? plain(e.placeholder) : escapeHtml(text(e.type));
    return `<span class="bk-unsupported" title="Menus outside forms are not clickable in the local workspace">${placeholder} ▾</span>`;
  }
  return `<span class="bk-unsupported">[${escapeHtml(text(e.type) || 'element')}]</span>`;
}

function button(e: Json, blockId: string, ctx: RenderContext): string {
  const style = e.style === 'primary' || e.style === 'danger' ? ` bk-button-${e.style}` : '';
  const attrs = [
    `data-action-id="${escapeAttr(text(e.action_id))}"`,
    `data-block-id="${escapeAttr(blockId)}"`,
    `data-value="${escapeAttr(text(e.value))}"`,
  ];
  if (typeof e.url === 'string') attrs.push(`data-url="${escapeAttr(e.url)}"`);
  if (isObject(e.confirm)) attrs.push(...confirmAttrs(e.confirm, ctx));
  return `<button type="button" class="bk-button${style}" ${attrs.join(' ')}>${plain(e.text)}</button>`;
}

/** A confirm dialog travels with its button: title and labels as text, the body as rendered HTML. */
function confirmAttrs(c: Json, ctx: RenderContext): string[] {
  const label = (t: unknown, fallback: string) => (isObject(t) ? text(t.text) : '') || fallback;
  return [
    `data-confirm-title="${escapeAttr(label(c.title, 'Are you sure?'))}"`,
    `data-confirm-body="${escapeAttr(textObject(c.text, ctx))}"`,
    `data-confirm-ok="${escapeAttr(label(c.confirm, 'Yes'))}"`,
    `data-confirm-deny="${escapeAttr(label(c.deny, 'Cancel'))}"`,
    `data-confirm-style="${escapeAttr(c.style === 'danger' ? 'danger' : 'primary')}"`,
  ];
}

/** Input blocks (modals): the field, its label, hint, and a slot for the error a response_action gives. */
function input(b: Json, blockId: string, ctx: RenderContext): string {
  const el = isObject(b.element) ? b.element : {};
  const actionId = text(el.action_id) || `${blockId}_input`;
  const id = `in-${blockId}-${actionId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const optional = b.optional === true;
  const label = `<label class="bk-label" for="${escapeAttr(id)}">${plain(b.label)}${optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>`;
  const hint = isObject(b.hint) ? `<div class="bk-hint">${plain(b.hint)}</div>` : '';
  const field = inputElement(el, { id, blockId, actionId }, ctx);
  return `<div class="bk-input" data-input-block="${escapeAttr(blockId)}" data-optional="${optional}">${label}${field}${hint}<div class="bk-error" data-error-for="${escapeAttr(blockId)}" hidden></div></div>`;
}

interface FieldIds {
  id: string;
  blockId: string;
  actionId: string;
}

function inputElement(el: Json, ids: FieldIds, ctx: RenderContext): string {
  const type = text(el.type);
  const common = `id="${escapeAttr(ids.id)}" data-block-id="${escapeAttr(ids.blockId)}" data-action-id="${escapeAttr(ids.actionId)}" data-type="${escapeAttr(type)}"`;
  const placeholder = isObject(el.placeholder) ? ` placeholder="${escapeAttr(text(el.placeholder.text))}"` : '';
  const lengths = `${typeof el.max_length === 'number' ? ` maxlength="${el.max_length}"` : ''}${typeof el.min_length === 'number' ? ` data-min-length="${el.min_length}"` : ''}`;
  switch (type) {
    case 'plain_text_input': {
      const initial = escapeHtml(text(el.initial_value));
      if (el.multiline === true)
        return `<textarea class="bk-field-input bk-multiline" rows="6" ${common}${placeholder}${lengths}>${initial}</textarea>`;
      return `<input class="bk-field-input" type="text" ${common}${placeholder}${lengths} value="${initial}">`;
    }
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const htmlType = type === 'number_input' ? 'number' : type === 'email_text_input' ? 'email' : 'url';
      return `<input class="bk-field-input" type="${htmlType}" ${common}${placeholder} value="${escapeAttr(text(el.initial_value))}">`;
    }
    case 'datepicker':
      return `<input class="bk-field-input" type="date" ${common} value="${escapeAttr(text(el.initial_date))}">`;
    case 'timepicker':
      return `<input class="bk-field-input" type="time" ${common} value="${escapeAttr(text(el.initial_time))}">`;
    case 'static_select':
      return select(el, common);
    case 'checkboxes':
    case 'radio_buttons':
      return choices(el, ids, type, ctx);
    default:
      return `<div class="bk-unsupported" ${common}>[${escapeHtml(type || 'element')}: not supported in the local workspace]</div>`;
  }
}

function options(el: Json): Json[] {
  return [...list(el.options), ...list(el.option_groups).flatMap((g) => list(g.options))];
}

function select(el: Json, common: string): string {
  const initial = isObject(el.initial_option) ? text(el.initial_option.value) : undefined;
  const placeholder = isObject(el.placeholder) ? text(el.placeholder.text) : 'Select an item';
  const opts = options(el).map((o) => {
    const value = text(o.value);
    return `<option value="${escapeAttr(value)}"${value === initial ? ' selected' : ''}>${escapeHtml(isObject(o.text) ? text(o.text.text) : value)}</option>`;
  });
  return `<select class="bk-field-input" ${common}><option value=""${initial === undefined ? ' selected' : ''} disabled>${escapeHtml(placeholder)}</option>${opts.join('')}</select>`;
}

function choices(el: Json, ids: FieldIds, type: string, ctx: RenderContext): string {
  const inputType = type === 'checkboxes' ? 'checkbox' : 'radio';
  const initial = new Set(
    [...list(el.initial_options), ...(isObject(el.initial_option) ? [el.initial_option] : [])].map((o) =>
      text(o.value),
    ),
  );
  const items = options(el).map((o, i) => {
    const value = text(o.value);
    const id = `${ids.id}-${i}`;
    return `<label class="bk-choice" for="${escapeAttr(id)}"><input type="${inputType}" id="${escapeAttr(id)}" name="${escapeAttr(ids.id)}" value="${escapeAttr(value)}" data-label="${escapeAttr(isObject(o.text) ? text(o.text.text) : value)}"${initial.has(value) ? ' checked' : ''}> ${textObject(o.text, ctx)}</label>`;
  });
  return `<div class="bk-choices" data-block-id="${escapeAttr(ids.blockId)}" data-action-id="${escapeAttr(ids.actionId)}" data-type="${escapeAttr(type)}">${items.join('')}</div>`;
}

/** rich_text: sections, preformatted text, quotes and lists, with their styled text runs. */
function richElement(e: Json, ctx: RenderContext): string {
  const runs = list(e.elements)
    .map((r) => richRun(r, ctx))
    .join('');
  switch (e.type) {
    case 'rich_text_preformatted':
      return `<pre class="mk-pre">${runs}</pre>`;
    case 'rich_text_quote':
      return `<blockquote class="mk-quote">${runs}</blockquote>`;
    case 'rich_text_list': {
      const tag = e.style === 'ordered' ? 'ol' : 'ul';
      return `<${tag} class="bk-list">${list(e.elements)
        .map(
          (item) =>
            `<li>${list(item.elements)
              .map((r) => richRun(r, ctx))
              .join('')}</li>`,
        )
        .join('')}</${tag}>`;
    }
    default:
      return `<div class="bk-rich-section">${runs}</div>`;
  }
}

function richRun(r: Json, ctx: RenderContext): string {
  const style = isObject(r.style) ? r.style : {};
  let html: string;
  if (r.type === 'user')
    html = `<span class="mk-mention">@${escapeHtml(ctx.userName(text(r.user_id)) ?? text(r.user_id))}</span>`;
  else if (r.type === 'channel')
    html = `<a class="mk-channel" href="#" data-nav-channel="${escapeAttr(text(r.channel_id))}">#${escapeHtml(ctx.channelName(text(r.channel_id)) ?? text(r.channel_id))}</a>`;
  else if (r.type === 'emoji') html = mrkdwnToHtml(`:${text(r.name)}:`, ctx);
  else if (r.type === 'link')
    html = mrkdwnToHtml(`<${escapeSlackUrl(text(r.url))}${r.text ? `|${text(r.text)}` : ''}>`, ctx);
  else html = escapeHtml(text(r.text)).replace(/\n/g, '<br>');
  if (style.code) html = `<code class="mk-code">${html}</code>`;
  if (style.bold) html = `<b>${html}</b>`;
  if (style.italic) html = `<i>${html}</i>`;
  if (style.strike) html = `<s>${html}</s>`;
  return html;
}

function escapeSlackUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '%7C');
}

/** Legacy attachments: a coloured bar with pretext, title, text, fields, blocks and footer. */
export function renderAttachments(attachments: unknown, ctx: RenderContext): string {
  return list(attachments)
    .map((a) => {
      const color = a.color === 'good' || a.color === 'warning' || a.color === 'danger' ? ` att-${a.color}` : '';
      const parts = [
        a.pretext ? `<div class="att-pretext">${mrkdwnToHtml(text(a.pretext), ctx)}</div>` : '',
        a.title ? `<div class="att-title">${escapeHtml(text(a.title))}</div>` : '',
        a.text ? `<div class="att-text">${mrkdwnToHtml(text(a.text), ctx)}</div>` : '',
        list(a.fields).length > 0
          ? `<div class="bk-fields">${list(a.fields)
              .map(
                (f) =>
                  `<div class="bk-field"><b>${escapeHtml(text(f.title))}</b><br>${mrkdwnToHtml(text(f.value), ctx)}</div>`,
              )
              .join('')}</div>`
          : '',
        renderBlocks(a.blocks, ctx),
        a.footer ? `<div class="bk-context">${mrkdwnToHtml(text(a.footer), ctx)}</div>` : '',
      ];
      return `<div class="att${color}">${parts.join('')}</div>`;
    })
    .join('');
}

/** A message's body as Slack shows it: its blocks when it has any, else its text; then attachments. */
export function renderMessageBody(
  m: { text?: string; blocks?: unknown[]; attachments?: unknown[] },
  ctx: RenderContext,
): string {
  const body =
    m.blocks && m.blocks.length > 0
      ? renderBlocks(m.blocks, ctx)
      : m.text
        ? `<div class="bk-text">${mrkdwnToHtml(m.text, ctx)}</div>`
        : '';
  return body + renderAttachments(m.attachments, ctx);
}

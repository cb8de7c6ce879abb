/** Modals, the App Home and shared files as the workspace page shows them. */
import { isObject, renderBlocks } from './blocks.js';
import { escapeHtml } from './html.js';
import type { RenderContext } from './mrkdwn.js';
import { formatBytes } from '../../../kernel/format.js';

export interface ModalHtml {
  viewId: string;
  /** Changes whenever the view is replaced (views.update, response_action: update). */
  hash: string;
  title: string;
  submit: string | null;
  close: string;
  html: string;
  /** How many modals are open under this one (Slack shows a back arrow for pushed views). */
  depth: number;
}

function label(t: unknown): string | null {
  return isObject(t) && typeof t.text === 'string' ? t.text : null;
}

export function renderModal(
  view: Record<string, unknown>,
  ids: { viewId: string; depth: number },
  ctx: RenderContext,
): ModalHtml {
  return {
    viewId: ids.viewId,
    hash: typeof view.hash === 'string' ? view.hash : ids.viewId,
    title: label(view.title) ?? 'dbops',
    submit: label(view.submit),
    close: label(view.close) ?? 'Cancel',
    html: renderBlocks(view.blocks, ctx),
    depth: ids.depth,
  };
}

export function renderHome(view: Record<string, unknown>, ctx: RenderContext): string {
  return renderBlocks(view.blocks, ctx);
}

/** What a file card shows: the first lines inline, the rest behind "Show all". */
export const FILE_PREVIEW = { lines: 12, maxBytes: 200_000 } as const;

export interface FileInput {
  id: string;
  name: string;
  title?: string;
  size: number;
  content?: string;
}

export function renderFile(f: FileInput): string {
  const title = f.title && f.title !== f.name ? `<span class="file-title">${escapeHtml(f.title)}</span>` : '';
  const head = `<div class="file-head"><span class="file-icon">${fileIcon(f.name)}</span><span class="file-name">${escapeHtml(f.name)}</span>${title}<span class="file-size">${formatBytes(f.size)}</span></div>`;
  if (f.content === undefined) return `<div class="file">${head}</div>`;
  const content =
    f.content.length > FILE_PREVIEW.maxBytes ? `${f.content.slice(0, FILE_PREVIEW.maxBytes)}\n…` : f.content;
  const lines = content.split('\n');
  if (lines.length <= FILE_PREVIEW.lines)
    return `<div class="file">${head}<pre class="file-preview">${escapeHtml(content)}</pre></div>`;
  const preview = lines.slice(0, FILE_PREVIEW.lines).join('\n');
  return `<div class="file">${head}<details class="file-more"><summary><pre class="file-preview">${escapeHtml(preview)}</pre><span class="file-expand">Show all ${lines.length} lines</span></summary><pre class="file-preview file-full">${escapeHtml(content)}</pre></details></div>`;
}

function fileIcon(name: string): string {
  return name.toLowerCase().endsWith('.sql') ? 'SQL' : 'TXT';
}

/**
 * Slack's documented Block Kit limits, checked by the local Slack Web API the way Slack checks them:
 * a message or view over a limit is refused with `invalid_blocks`, so every test that posts through
 * the fake enforces them. Sources: api.slack.com/reference/block-kit/{blocks,block-elements,
 * composition-objects} and /surfaces (50 blocks a message, 100 a modal or Home tab).
 */

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
} as const;

type Surface = 'message' | 'modal' | 'home';

/** What is over a limit in `blocks` (empty when nothing is), each as `path: what`. */
export function blockLimitProblems(blocks: unknown, surface: Surface): string[] {
  if (!Array.isArray(blocks)) return [];
  const problems: string[] = [];
  const max = surface === 'message' ? BLOCK_KIT_LIMITS.messageBlocks : BLOCK_KIT_LIMITS.viewBlocks;
  if (blocks.length > max) problems.push(`blocks: ${blocks.length} blocks, at most ${max} in a ${surface}`);
  blocks.forEach((block, i) => {
    walk(block, `blocks[${i}]`, problems);
  });
  return problems;
}

/** A view's own limits (title and button texts of a modal) and its blocks'. */
export function viewLimitProblems(view: unknown): string[] {
  if (!isObject(view)) return [];
  const surface: Surface = view.type === 'home' ? 'home' : 'modal';
  const problems = blockLimitProblems(view.blocks, surface);
  if (surface === 'modal') {
    over(view.title, 'title', BLOCK_KIT_LIMITS.modalTitle, problems);
    over(view.submit, 'submit', BLOCK_KIT_LIMITS.modalButton, problems);
    over(view.close, 'close', BLOCK_KIT_LIMITS.modalButton, problems);
  }
  return problems;
}

function walk(node: unknown, path: string, problems: string[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => {
      walk(child, `${path}[${i}]`, problems);
    });
    return;
  }
  if (!isObject(node)) return;
  if (node.type === 'section') over(node.text, `${path}.text`, BLOCK_KIT_LIMITS.sectionText, problems);
  if (node.type === 'header') over(node.text, `${path}.text`, BLOCK_KIT_LIMITS.headerText, problems);
  if (node.type === 'button') over(node.text, `${path}.text`, BLOCK_KIT_LIMITS.buttonText, problems);
  if (isObject(node.confirm)) {
    const c = node.confirm;
    over(c.title, `${path}.confirm.title`, BLOCK_KIT_LIMITS.confirmTitle, problems);
    over(c.text, `${path}.confirm.text`, BLOCK_KIT_LIMITS.confirmText, problems);
    over(c.confirm, `${path}.confirm.confirm`, BLOCK_KIT_LIMITS.confirmButton, problems);
    over(c.deny, `${path}.confirm.deny`, BLOCK_KIT_LIMITS.confirmButton, problems);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'confirm' || key === 'text') continue;
    if (typeof value === 'object' && value !== null) walk(value, `${path}.${key}`, problems);
  }
}

function over(textObject: unknown, path: string, max: number, problems: string[]): void {
  const text = isObject(textObject) ? textObject.text : undefined;
  if (typeof text === 'string' && text.length > max)
    problems.push(`${path}: ${text.length} characters, at most ${max}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

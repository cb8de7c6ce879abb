import type { View } from '@slack/types';
import { MIGRATE_MODES } from '../../migrate/types.js';
import { ids } from '../ids.js';

export interface MigrateModalMetadata {
  /** Where the answer goes ('' from App Home: a DM). */
  channel: string;
}

/** The form values, as typed. */
export interface MigrateFormValues {
  source: string;
  destination: string;
  tables: string;
  where: string;
  mode: string;
  runAt: string;
}

const MODE_TEXT: Record<(typeof MIGRATE_MODES)[number], string> = {
  fail: 'fail: stop if a table exists',
  replace: 'replace: swap new tables in',
  append: 'append: add the rows',
};

/** Migrate data (App Home): the parts of `/dbops migrate SRC→DST …`, one field each. */
export function migrateModalView(metadata: MigrateModalMetadata, clusters: readonly string[]): View {
  const f = ids.migrateModal;
  const first = clusters[0] ?? 'prod';
  const second = clusters[1] ?? 'test';
  const input = (
    blockId: string,
    actionId: string,
    label: string,
    placeholder: string,
    optional = false,
    hint?: string,
  ) => ({
    type: 'input' as const,
    block_id: blockId,
    optional,
    label: { type: 'plain_text' as const, text: label },
    ...(hint ? { hint: { type: 'plain_text' as const, text: hint } } : {}),
    element: {
      type: 'plain_text_input' as const,
      action_id: actionId,
      placeholder: { type: 'plain_text' as const, text: placeholder },
    },
  });
  return {
    type: 'modal',
    callback_id: f.callback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Migrate data' },
    submit: { type: 'plain_text', text: 'Check and submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      input(
        f.sourceBlock,
        f.sourceInput,
        'From (cluster.schema)',
        `${first}.shop`,
        false,
        `Clusters: ${clusters.join(', ')}`,
      ),
      input(f.destinationBlock, f.destinationInput, 'To (cluster.schema)', `${second}.shop_copy`),
      input(f.tablesBlock, f.tablesInput, 'Tables', 'orders, items (empty: every table)', true),
      input(f.whereBlock, f.whereInput, 'Only rows where', "created_at >= '2025-01-01'", true),
      {
        type: 'input',
        block_id: f.modeBlock,
        label: { type: 'plain_text', text: 'If a table exists' },
        element: {
          type: 'static_select',
          action_id: f.modeInput,
          initial_option: { text: { type: 'plain_text', text: MODE_TEXT.fail }, value: 'fail' },
          options: MIGRATE_MODES.map((m) => ({ text: { type: 'plain_text', text: MODE_TEXT[m] }, value: m })),
        },
      },
      input(
        f.runAtBlock,
        f.runAtInput,
        'When',
        'now',
        true,
        "now (default), tonight, 02:00 or 2026-11-25 01:30, in the source cluster's time zone",
      ),
    ],
  };
}

/** The `/dbops migrate` text the form stands for, so both go through one parser and one set of checks. */
export function migrateCommandText(v: MigrateFormValues): string {
  const parts = [`${v.source.trim()}→${v.destination.trim()}`];
  const tables = v.tables
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tables.length > 0) parts.push(`tables ${tables.join(',')}`);
  if (v.where.trim() !== '') parts.push(`where "${v.where.trim().replace(/"/g, '""')}"`);
  if (v.mode !== '') parts.push(`mode ${v.mode}`);
  const when = v.runAt.trim().replace(/^at\s+/i, '');
  if (when !== '') parts.push(/^(now|tonight)\b/i.test(when) ? when : `at ${when}`);
  return parts.join(' ');
}

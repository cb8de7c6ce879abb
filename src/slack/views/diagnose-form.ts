import type { KnownBlock, View } from '@slack/types';
import { ids } from '../ids.js';

const form = ids.diagnose;

/** The verbs whose only missing argument is a cluster (slow and space also take a schema). */
export const DIAGNOSE_VERBS = ['top', 'slow', 'space', 'switchover', 'backup'] as const;
export type DiagnoseVerb = (typeof DIAGNOSE_VERBS)[number];

export interface DiagnoseFormMetadata {
  verb: DiagnoseVerb;
  channel: string;
}

const TITLES: Record<DiagnoseVerb, string> = {
  top: 'What runs now',
  slow: 'Slow statements',
  space: 'Space',
  switchover: 'Switchover',
  backup: 'Back up now',
};
const SUBMITS: Partial<Record<DiagnoseVerb, string>> = { switchover: 'Plan it', backup: 'Back up' };
export const SINCE_CHOICES = ['1h', '1d', '7d'] as const;

/** `/dbops top|slow|space|switchover|backup` without a cluster: pick it (and for slow and space, a schema; for slow, how far back). */
export function diagnoseFormView(metadata: DiagnoseFormMetadata, clusters: readonly string[]): View {
  const option = (value: string) => ({ text: { type: 'plain_text' as const, text: value }, value });
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: form.clusterBlock,
      label: { type: 'plain_text', text: 'Cluster' },
      element: {
        type: 'static_select',
        action_id: form.clusterInput,
        options: clusters.slice(0, 100).map(option),
        ...(clusters.length === 1 ? { initial_option: option(clusters[0]) } : {}),
      },
    },
  ];
  if (metadata.verb === 'slow' || metadata.verb === 'space')
    blocks.push({
      type: 'input',
      block_id: form.schemaBlock,
      optional: true,
      label: { type: 'plain_text', text: 'Schema' },
      hint: { type: 'plain_text', text: 'Leave empty for every schema.' },
      element: { type: 'plain_text_input', action_id: form.schemaInput, max_length: 64 },
    });
  if (metadata.verb === 'slow')
    blocks.push({
      type: 'input',
      block_id: form.sinceBlock,
      label: { type: 'plain_text', text: 'Since' },
      element: {
        type: 'static_select',
        action_id: form.sinceInput,
        options: SINCE_CHOICES.map(option),
        initial_option: option('1d'),
      },
    });
  return {
    type: 'modal',
    callback_id: form.formCallback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: TITLES[metadata.verb] },
    submit: { type: 'plain_text', text: SUBMITS[metadata.verb] ?? 'Show' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

import type { View } from '@slack/types';
import { ids } from '../ids.js';
import { sqlInputBlock } from './sql-input.js';

const form = ids.reviewModal;

export interface ReviewModalMetadata {
  channel: string;
}

/** `/dbops review` with no SQL: a modal with a multi-line SQL box and an optional target. */
export function reviewModalView(metadata: ReviewModalMetadata, clusters: readonly string[]): View {
  const example = clusters[0] ? `${clusters[0]}.shop` : 'prod.shop';
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Review SQL' },
    submit: { type: 'plain_text', text: 'Review' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: form.targetBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Target (cluster.schema)' },
        hint: {
          type: 'plain_text',
          text: `With a target the review also checks the schema and EXPLAINs on a replica. Clusters: ${clusters.join(', ')}`,
        },
        element: {
          type: 'plain_text_input',
          action_id: form.targetInput,
          placeholder: { type: 'plain_text', text: example },
        },
      },
      sqlInputBlock(form.sqlBlock, form.sqlInput),
    ],
  };
}

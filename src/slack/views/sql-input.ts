import type { KnownBlock } from '@slack/types';

/** A form's multi-line SQL box (up to 3,000 characters), filled with `initial` when given. */
export function sqlInputBlock(blockId: string, actionId: string, initial?: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: 'SQL' },
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      multiline: true,
      max_length: 3000,
      placeholder: { type: 'plain_text', text: 'UPDATE orders SET status = 2 WHERE id = 42;' },
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

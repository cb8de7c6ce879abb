import type { ConfirmationDialog } from '@slack/types';
import { truncate } from '../../text/blocks.js';

/**
 * The "Are you sure?" dialog Slack shows before a risky button's click is sent. Within Slack's
 * limits: title 100, text 300, button texts 30 characters.
 */
export function confirmDialog(input: {
  title: string;
  text: string;
  confirm: string;
  deny?: string;
  danger?: boolean;
}): ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: truncate(input.title, 100) },
    text: { type: 'plain_text', text: truncate(input.text, 300) },
    confirm: { type: 'plain_text', text: truncate(input.confirm, 30) },
    deny: { type: 'plain_text', text: truncate(input.deny ?? 'Not yet', 30) },
    style: input.danger ? 'danger' : 'primary',
  };
}

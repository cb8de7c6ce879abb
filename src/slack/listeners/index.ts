import type { App } from '@slack/bolt';
import type { CommandDeps } from '../command.js';
import { registerReviewModal } from './review-modal.js';
import { registerSlashCommand } from './slash-command.js';
import { registerSqlMessages } from './sql-messages.js';

export interface ListenerOptions {
  /** Origins the bot token may be sent to when downloading shared files (the Slack API's own). */
  fileOrigins: readonly string[];
}

/** Every Slack listener dbops has; each acks first, then calls a service. */
export function registerListeners(app: App, deps: CommandDeps, options: ListenerOptions): void {
  registerSlashCommand(app, deps);
  registerReviewModal(app, deps);
  registerSqlMessages(app, deps, options.fileOrigins);
}

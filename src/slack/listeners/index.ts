import type { App } from '@slack/bolt';
import type { CommandDeps } from '../command.js';
import { registerExecutionActions } from './execution-actions.js';
import { registerAlertActions } from './alert-actions.js';
import { registerDiagnoseActions } from './diagnose-actions.js';
import { registerDiagnoseForm } from './diagnose-form.js';
import { registerGrantActions } from './grant-actions.js';
import { registerHome } from './home.js';
import { registerHomeActions } from './home-actions.js';
import { registerReviewModal } from './review-modal.js';
import { registerRestoreForm } from './restore-form.js';
import { registerRunbookForms } from './runbook-forms.js';
import { registerShortcuts } from './shortcuts.js';
import { registerSlashCommand } from './slash-command.js';
import { registerSqlMessages } from './sql-messages.js';
import { registerTicketActions } from './ticket-actions.js';
import { registerTicketForms } from './ticket-forms.js';

export interface ListenerOptions {
  /** Origins the bot token may be sent to when downloading shared files (the Slack API's own). */
  fileOrigins: readonly string[];
}

/** Slack's origin for response_urls, besides the API's own (a proxy, or the local Slack API in tests). */
const SLACK_HOOKS = 'https://hooks.slack.com';

/** Every Slack listener dbops has; each acks first, then calls a service. */
export function registerListeners(app: App, deps: CommandDeps, options: ListenerOptions): void {
  const answer = {
    slack: deps.slack,
    announcer: deps.announcer,
    logger: deps.logger,
    responseOrigins: [SLACK_HOOKS, ...options.fileOrigins],
  };
  registerSlashCommand(app, deps);
  registerReviewModal(app, deps);
  registerSqlMessages(app, deps, options.fileOrigins);
  registerTicketActions(app, deps, answer);
  registerTicketForms(app, deps, answer);
  registerExecutionActions(app, deps, answer);
  registerHome(app, deps);
  registerHomeActions(app, deps, answer);
  registerShortcuts(app, deps, answer);
  registerRestoreForm(app, deps);
  registerAlertActions(app, deps, answer);
  registerDiagnoseActions(app, deps, answer);
  registerDiagnoseForm(app, deps);
  registerRunbookForms(app, deps, answer);
  registerGrantActions(app, deps, answer);
}

import type { App, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';
import { findCluster } from '../../config/clusters.js';
import { parseTargetName } from '../../inventory/names.js';
import { parseRunTime } from '../../tickets/run-time.js';
import type { CommandDeps, Invocation } from '../command.js';
import { ids } from '../ids.js';
import { type AnswerDeps, answerPrivately } from '../private-answer.js';
import { diagnoseFormView } from '../views/diagnose-form.js';
import { grantModalView } from '../views/grants.js';
import { migrateCommandText, migrateModalView } from '../views/migrate-modal.js';
import { reviewModalView } from '../views/review-modal.js';
import { execModalView } from '../views/ticket-modals.js';
import { guarded } from './guard.js';
import { readForm } from './ticket-forms.js';

const Click = z.object({ user: z.looseObject({ id: z.string() }), trigger_id: z.string() });
const Metadata = z.object({ channel: z.string() });

/**
 * App Home's form buttons: each opens the form its verb opens without arguments (the answers go to
 * the user's DM, Home having no channel). And the migrate form's submission, checked field by
 * field, then run through `/dbops migrate` itself.
 */
export function registerHomeActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const clusters = () => Object.keys(deps.config.clusters);
  const promotable = () => {
    const withReplicas = Object.entries(deps.config.clusters).filter(([, c]) => c.replicas.length > 0);
    return withReplicas.length > 0 ? withReplicas.map(([name]) => name) : clusters();
  };
  const forms: Array<[string, string, () => View]> = [
    [ids.home.requestChange, 'Request a change', () => execModalView({ channel: '' }, clusters())],
    [ids.home.reviewSql, 'Review SQL', () => reviewModalView({ channel: '' }, clusters())],
    [ids.home.migrate, 'Migrate data', () => migrateModalView({ channel: '' }, clusters())],
    [ids.home.requestAccess, 'Request access', () => grantModalView({}, JSON.stringify({ channel: '' }))],
    // DBAs' Clusters heading: the clusters with a replica to promote (all of them when none has: the answer says why not).
    [ids.home.switchover, 'Switchover', () => diagnoseFormView({ verb: 'switchover', channel: '' }, promotable())],
  ];
  for (const [actionId, what, view] of forms) {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: `${what} button`, logger: deps.logger }, async ({ body }, scope) => {
        const click = Click.safeParse(body);
        if (!click.success) return deps.logger.warn('unreadable Home click', { action: actionId });
        const user = click.data.user.id;
        scope.fields.user = user;
        scope.tell = (message) => answerPrivately(user, { kind: 'home' }, message, answer);
        await deps.slack.client.views.open({ trigger_id: click.data.trigger_id, view: view() });
      }),
    );
  }

  app.view(
    ids.migrateModal.callback,
    guarded<SlackViewMiddlewareArgs<ViewSubmitAction>>(
      { what: 'migrate form', logger: deps.logger, ack: 'own' },
      async ({ ack, view, body }, scope) => {
        const form = readForm(view, body);
        const metadata = Metadata.safeParse(form?.metadata);
        const command = deps.commands.find((c) => c.verb === 'migrate');
        if (!form || !metadata.success || !command) {
          await ack();
          deps.logger.warn('unreadable migrate form', {});
          return;
        }
        const f = ids.migrateModal;
        const values = {
          source: form.value(f.sourceBlock, f.sourceInput),
          destination: form.value(f.destinationBlock, f.destinationInput),
          tables: form.value(f.tablesBlock, f.tablesInput),
          where: form.value(f.whereBlock, f.whereInput),
          mode: selected(view, f.modeBlock, f.modeInput) ?? 'fail',
          runAt: form.value(f.runAtBlock, f.runAtInput),
        };
        const errors = checkMigrateForm(values, deps);
        const args = command.args.safeParse(migrateCommandText(values));
        if (!args.success && Object.keys(errors).length === 0)
          for (const issue of args.error.issues) errors[blockFor(issue.message)] ??= issue.message.slice(0, 300);
        if (Object.keys(errors).length > 0 || !args.success) {
          await ack({ response_action: 'errors', errors });
          return;
        }
        await ack();
        const user = form.user;
        const surface = { kind: 'elsewhere' as const, channel: metadata.data.channel };
        scope.fields.user = user;
        scope.tell = (message) => answerPrivately(user, surface, message, answer);
        const invocation: Invocation = {
          userId: user,
          channelId: metadata.data.channel,
          triggerId: `form-${form.viewId}`,
          respond: (message) => answerPrivately(user, surface, message, answer),
        };
        await command.run(args.data, invocation, deps);
      },
    ),
  );
}

/** The value of a static_select in a submitted view. */
function selected(view: unknown, block: string, action: string): string | undefined {
  const parsed = z
    .object({
      state: z.object({
        values: z.record(
          z.string(),
          z.record(z.string(), z.looseObject({ selected_option: z.object({ value: z.string() }).nullish() })),
        ),
      }),
    })
    .safeParse(view);
  return parsed.success ? (parsed.data.state.values[block]?.[action]?.selected_option?.value ?? undefined) : undefined;
}

/** Where the parser's complaint belongs. */
function blockFor(message: string): string {
  const f = ids.migrateModal;
  if (/`tables`|both/.test(message)) return f.tablesBlock;
  if (/`where`|condition/.test(message)) return f.whereBlock;
  if (/`mode`/.test(message)) return f.modeBlock;
  if (/destination/.test(message)) return f.destinationBlock;
  return f.sourceBlock;
}

/** Problems Slack shows under the migrate form's fields, before it closes. */
export function checkMigrateForm(
  values: { source: string; destination: string; runAt: string },
  deps: Pick<CommandDeps, 'config' | 'clock'>,
): Record<string, string> {
  const f = ids.migrateModal;
  const errors: Record<string, string> = {};
  const known = Object.keys(deps.config.clusters);
  const check = (text: string, block: string, schemaOnly: boolean) => {
    const name = parseTargetName(text);
    if (!name || (schemaOnly && name.table)) {
      errors[block] = `Write it as cluster.schema, e.g. ${known[0] ?? 'prod'}.shop`;
      return undefined;
    }
    const cluster = findCluster(deps.config, name.cluster);
    if (!cluster) errors[block] = `Cluster "${name.cluster}" is not in dbops.yml (known: ${known.join(', ')})`;
    return cluster;
  };
  const source = check(values.source, f.sourceBlock, false);
  check(values.destination, f.destinationBlock, true);
  if (source && values.runAt !== '') {
    const runTime = parseRunTime(values.runAt, source, deps.clock.now());
    if (!runTime.ok) errors[f.runAtBlock] = runTime.message.slice(0, 300);
  }
  return errors;
}

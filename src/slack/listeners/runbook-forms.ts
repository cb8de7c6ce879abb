import type { App, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { checkValues } from '../../runbooks/params.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import { ViewState } from './view-state.js';
import { type AnswerDeps, answerPrivately, ClickSource, type Surface, surfaceOf } from '../private-answer.js';
import { requestRunbook } from '../../requests/runbook.js';
import { runbookFormView } from '../views/runbooks.js';
import { problemNote } from '../views/ticket-replies.js';
import { requestAnswerMessage } from '../views/request-answer.js';

const Metadata = z.object({ runbook: z.string(), channel: z.string() });

/** A submitted runbook form: text inputs carry `value`, select menus `selected_option`. */
const Submitted = z.object({
  view: z.object({
    id: z.string(),
    private_metadata: z.string(),
    state: ViewState,
  }),
  user: z.looseObject({ id: z.string() }),
});

const RunClick = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.array(z.looseObject({ value: z.string() })).min(1),
});

/** The Run… button (opens the runbook's form) and the form's submission (checked field by field, then a ticket). */
export function registerRunbookForms(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  app.action(
    // `dbops.runbook.open`, or `dbops.runbook.open.<name>` from App Home (several in one block)
    new RegExp(`^${ids.runbookActions.open.replace(/\./g, '\\.')}(\\..+)?$`),
    guarded<SlackActionMiddlewareArgs>({ what: 'Run… button', logger: deps.logger }, async ({ body }, scope) => {
      const click = RunClick.safeParse(body);
      if (!click.success) {
        deps.logger.warn('unreadable Run… click', {});
        return;
      }
      const name = click.data.actions[0].value;
      const runbook = deps.config.runbooks.find((r) => r.name === name);
      const surface = surfaceOf(click.data);
      Object.assign(scope.fields, { user: click.data.user.id, runbook: name });
      scope.tell = (message) => answerPrivately(click.data.user.id, surface, message, answer);
      if (!runbook) {
        await answerPrivately(
          click.data.user.id,
          surface,
          problemNote(`runbook \`${name}\` is no longer in dbops.yml; \`/dbops runbooks\` lists the ones there are.`),
          answer,
        );
        return;
      }
      const channel = surface.kind === 'message' || surface.kind === 'elsewhere' ? (surface.channel ?? '') : '';
      await deps.slack.client.views.open({
        trigger_id: click.data.trigger_id,
        view: runbookFormView(runbook, deps.config.clusters, { runbook: runbook.name, channel }),
      });
    }),
  );

  // The form acks itself: its ack carries the field errors.
  app.view(
    ids.runbookForm.callback,
    guarded<SlackViewMiddlewareArgs>(
      { what: 'runbook form', logger: deps.logger, ack: 'own' },
      async ({ ack, body }, scope) => {
        const parsed = Submitted.safeParse(body);
        const metadata = parsed.success ? Metadata.safeParse(safeJson(parsed.data.view.private_metadata)) : null;
        if (!parsed.success || !metadata?.success) {
          await ack();
          deps.logger.warn('unreadable runbook form', {});
          return;
        }
        const user = parsed.data.user.id;
        const runbook = deps.config.runbooks.find((r) => r.name === metadata.data.runbook);
        if (!runbook) {
          await ack();
          await answerPrivately(
            user,
            { kind: 'elsewhere', channel: metadata.data.channel || undefined },
            problemNote(
              `runbook \`${metadata.data.runbook}\` is no longer in dbops.yml; \`/dbops runbooks\` lists the ones there are.`,
            ),
            answer,
          );
          return;
        }
        const raw: Record<string, string> = {};
        for (const name of Object.keys(runbook.params)) {
          const field =
            parsed.data.view.state.values[`${ids.runbookForm.paramBlockPrefix}${name}`]?.[ids.runbookForm.input];
          const value = field?.selected_option?.value ?? field?.value?.trim();
          if (value !== undefined && value !== null && value !== '') raw[name] = value;
        }
        const checked = checkValues(runbook, raw, deps.config.clusters);
        if (!checked.ok) {
          const errors = Object.fromEntries(
            Object.entries(checked.byParam).map(([name, problem]) => [
              `${ids.runbookForm.paramBlockPrefix}${name}`,
              problem.replace(/`/g, '').slice(0, 300),
            ]),
          );
          await ack({ response_action: 'errors', errors });
          return;
        }
        await ack();
        const surface: Surface = { kind: 'elsewhere', channel: metadata.data.channel || undefined };
        Object.assign(scope.fields, { user, runbook: runbook.name });
        scope.tell = (message) => answerPrivately(user, surface, message, answer);
        scope.problem = (text) => problemNote(text);
        const message = requestAnswerMessage(
          await requestRunbook(
            {
              user,
              runbook,
              params: checked.params,
              sourceKey: `run-form:${parsed.data.view.id}`,
              channel: metadata.data.channel || undefined,
            },
            deps,
          ),
        );
        await answerPrivately(user, surface, message, answer);
      },
    ),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

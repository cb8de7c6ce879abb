import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import type { CommandDeps, Invocation } from '../command.js';
import { ids } from '../ids.js';
import { Notifier } from '../notifier.js';
import type { Message } from '../../text/blocks.js';
import { DIAGNOSE_VERBS } from '../views/diagnose-form.js';
import { usageMessage } from '../views/help.js';
import { guarded } from './guard.js';

const form = ids.diagnose;

const Metadata = z.object({ verb: z.enum(DIAGNOSE_VERBS), channel: z.string() });
const Selected = z.object({ selected_option: z.object({ value: z.string() }).nullish() });

const Submission = z.object({
  private_metadata: z.string(),
  state: z.object({
    values: z.object({
      [form.clusterBlock]: z.object({ [form.clusterInput]: Selected }),
      [form.schemaBlock]: z.object({ [form.schemaInput]: z.object({ value: z.string().nullish() }) }).optional(),
      [form.sinceBlock]: z.object({ [form.sinceInput]: Selected }).optional(),
    }),
  }),
});

/**
 * The form of `top`, `slow`, `space`, `switchover` and `backup`: the choices become the command's text, parsed and run as
 * if typed; the answer comes privately in the channel the form was opened from (else a DM).
 */
export function registerDiagnoseForm(app: App, deps: CommandDeps): void {
  const options = { what: 'diagnose form', logger: deps.logger, ack: 'own' } as const;
  app.view(
    form.formCallback,
    guarded<SlackViewMiddlewareArgs<ViewSubmitAction>>(options, async ({ ack, view, body }, scope) => {
      const parsed = Submission.safeParse(view);
      const metadata = parsed.success ? Metadata.safeParse(safeJson(parsed.data.private_metadata)) : undefined;
      if (!parsed.success || !metadata?.success) {
        await ack();
        deps.logger.warn('unreadable diagnose form submission');
        return;
      }
      const values = parsed.data.state.values;
      const cluster = values[form.clusterBlock][form.clusterInput].selected_option?.value ?? '';
      if (cluster === '') {
        await ack({ response_action: 'errors', errors: { [form.clusterBlock]: 'Pick a cluster.' } });
        return;
      }
      await ack();
      const schema = values[form.schemaBlock]?.[form.schemaInput].value?.trim() ?? '';
      const since = values[form.sinceBlock]?.[form.sinceInput].selected_option?.value;
      const { verb, channel } = metadata.data;
      const text = [cluster, schema, since ? `since ${since}` : ''].filter(Boolean).join(' ');
      const user = body.user.id;
      const respond = async (message: Message) => {
        // Opened from App Home: no channel, the answer is a DM.
        if (channel === '') return void (await deps.slack.dm(user, message));
        try {
          await deps.slack.ephemeral(channel, user, message);
        } catch (err) {
          if (!Notifier.isNotInChannel(err))
            deps.logger.warn('could not answer the form in its channel', { user }, err);
          await deps.slack.dm(user, message);
        }
      };
      const invocation: Invocation = { userId: user, channelId: channel, respond };
      Object.assign(scope.fields, { verb, user });
      scope.tell = respond;
      const command = deps.commands.find((c) => c.verb === verb);
      if (!command) return;
      const args = command.args.safeParse(text);
      if (!args.success) {
        await respond(usageMessage(command, args.error.issues.map((i) => i.message).join('; ')));
        return;
      }
      await command.run(args.data, invocation, deps);
    }),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

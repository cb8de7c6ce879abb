import { z } from 'zod';
import { requireRunbook } from '../src/runbooks/catalog.js';
import { parseParams, splitWords } from '../src/runbooks/params.js';
import { defineCommand } from '../src/slack/command.js';
import { requestRunbook } from '../src/requests/runbook.js';
import { runbookFormView, runbookListMessage } from '../src/slack/views/runbooks.js';
import { problemNote } from '../src/slack/views/ticket-replies.js';
import { approvalsText } from './runbooks.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

/** `<runbook> [param=value …]`: the runbook's name, then its values (positional ones fill the first params). */
export const RunArgs = z.string().transform((text) => {
  const [name = null, ...words] = splitWords(text.replace(/[“”]/g, '"').replace(/[‘’]/g, "'"));
  return { name, words };
});

export const run = defineCommand({
  verb: 'run',
  usage: 'run <runbook> [param=value …]',
  summary:
    'Run a runbook (a DBA’s script, see `/dbops runbooks`) on a cluster: a ticket, approved per the runbook’s own approvals, then its output streams to the ticket’s thread and its full log is attached. Values may be given in the declared order without names; quote values with spaces. Without values it opens a form.',
  example: 'run kill-user-queries prod user=report older_than=10m',
  args: RunArgs,
  async run({ name, words }, invocation, deps) {
    if (name === null) {
      await invocation.respond(runbookListMessage(deps.config.runbooks, (r) => approvalsText(r, deps.config)));
      return;
    }
    const runbook = requireRunbook(deps.config.runbooks, name);
    if (words.length === 0) {
      if (!invocation.triggerId) throw new Error('no trigger_id to open the runbook form with');
      await deps.slack.client.views.open({
        trigger_id: invocation.triggerId,
        view: runbookFormView(runbook, deps.config.clusters, { runbook: runbook.name, channel: invocation.channelId }),
      });
      return;
    }
    const checked = parseParams(runbook, words, deps.config.clusters);
    if (!checked.ok) {
      await invocation.respond(
        problemNote(
          `${checked.problems.join('\n')}\n\`/dbops runbooks\` lists ${runbook.name}'s params; \`/dbops run ${runbook.name}\` opens a form.`,
        ),
      );
      return;
    }
    const answer = requestAnswerMessage(
      await requestRunbook(
        {
          user: invocation.userId,
          runbook,
          params: checked.params,
          sourceKey: `run:${invocation.triggerId ?? `${invocation.userId}:${deps.clock.now().getTime()}`}`,
          channel: invocation.channelId,
        },
        deps,
      ),
    );
    await invocation.respond(answer);
  },
});

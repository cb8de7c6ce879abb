import { z } from 'zod';
import { parseTargetName, requireCluster } from '../src/inventory/names.js';
import { defineCommand } from '../src/slack/command.js';
import { requestSqlChange } from '../src/requests/sql-change.js';
import { execModalView } from '../src/slack/views/ticket-modals.js';
import { unfenceSql } from '../src/text/sql-fence.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

/** Time shapes after a trailing `at`: `02:00`, `tomorrow 02:00`, `2026-11-25 01:30`, and near misses (`2am`) so they get a clear refusal. */
const AT_PHRASE = /(^|[\s;])at\s+(tonight|now|asap|(?:tomorrow\s+)?\d[\d:.\-T ]*(?:\s*[ap]m)?)\s*$/i;
/** Phrases that need no `at`: nothing in SQL ends with them. */
const BARE_PHRASE = /(^|[\s;])(tonight|tomorrow\s+\d{1,2}:\d{2})\s*$/i;
/** `now`/`asap` alone may also be a column name: taken as the run time only where SQL could not end with it. */
const BARE_NOW = /(^|[\s;])(now|asap)\s*$/i;
const OPERAND_BEFORE =
  /(?:[=<>!,(+\-*/%|&^~]|\b(?:set|where|and|or|not|by|then|else|when|in|is|like|values|select|between|interval|on|default|as|case|return|from|into|update|table|limit|xor|div|mod|regexp|rlike|having|join|using)\b)\s*$/i;

/** Split a trailing run time off the SQL: `UPDATE … WHERE id = 7 at 02:00` → SQL and `at 02:00`. */
export function splitRunAt(text: string): { sql: string; runAt?: string } {
  const trimmed = text.trimEnd();
  for (const pattern of [AT_PHRASE, BARE_PHRASE]) {
    const match = pattern.exec(trimmed);
    if (match)
      return {
        sql: trimmed.slice(0, match.index + match[1].length).trimEnd(),
        runAt: trimmed.slice(match.index + match[1].length).trim(),
      };
  }
  const now = BARE_NOW.exec(trimmed);
  if (now) {
    const before = trimmed.slice(0, now.index + now[1].length).trimEnd();
    if (before === '' || before.endsWith(';') || !OPERAND_BEFORE.test(before)) return { sql: before, runAt: now[2] };
  }
  return { sql: trimmed };
}

export interface ExecArgs {
  /** Absent: `/dbops exec` alone opens the form. */
  target?: { cluster: string; schema: string };
  sql: string;
  runAt?: string;
}

/** `cluster.schema <sql> [at TIME]`. The target is required; without SQL a form opens. */
export const ExecArgs = z.string().transform((text, ctx): ExecArgs => {
  const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(text);
  if (!match) return { sql: '' };
  const target = parseTargetName(match[1]);
  if (!target) {
    ctx.addIssue({
      code: 'custom',
      message: `start with the target as cluster.schema (e.g. prod.shop), then the SQL; \`${match[1].slice(0, 40)}\` is not one`,
    });
    return z.NEVER;
  }
  if (target.table) {
    ctx.addIssue({
      code: 'custom',
      message: `the target of exec is cluster.schema; name the table in the SQL instead of \`${match[1]}\``,
    });
    return z.NEVER;
  }
  const { sql, runAt } = splitRunAt(match[2]);
  return {
    target: { cluster: target.cluster, schema: target.schema },
    sql: unfenceSql(sql),
    ...(runAt ? { runAt } : {}),
  };
});

export const exec = defineCommand({
  verb: 'exec',
  usage: 'exec cluster.schema <sql> [at TIME]',
  summary:
    'Ask for a change: the SQL is reviewed against the target, then DBAs approve it with buttons and dbops runs it. TIME: now (default), tonight, at 02:00, at 2026-11-25 01:30 (cluster time). Without SQL it opens a form.',
  example: 'exec prod.shop UPDATE orders SET status = 2 WHERE id = 42 at 02:00',
  args: ExecArgs,
  async run({ target, sql, runAt }, invocation, deps) {
    if (target) requireCluster(deps.config, target.cluster);
    if (!target || sql === '') {
      if (!invocation.triggerId) throw new Error('no trigger_id to open the exec form with');
      const prefill = { target: target ? `${target.cluster}.${target.schema}` : undefined, runAt };
      await deps.slack.client.views.open({
        trigger_id: invocation.triggerId,
        view: execModalView({ channel: invocation.channelId }, Object.keys(deps.config.clusters), prefill),
      });
      return;
    }
    const answer = requestAnswerMessage(
      await requestSqlChange(
        {
          user: invocation.userId,
          target,
          sql,
          runAt,
          sourceKey: `exec:${invocation.triggerId ?? `${invocation.userId}:${Date.now()}`}`,
          channel: invocation.channelId,
        },
        deps,
      ),
    );
    await invocation.respond(answer);
  },
});

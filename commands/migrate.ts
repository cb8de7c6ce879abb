import { z } from 'zod';
import { parseTargetName } from '../src/inventory/names.js';
import {
  MIGRATE_MODES,
  STORED_OBJECT_KINDS,
  type MigrateMode,
  type SchemaRef,
  type StoredObjectKind,
} from '../src/migrate/types.js';
import { defineCommand } from '../src/slack/command.js';
import { requestMigration } from '../src/requests/migrate.js';
import { own } from '../src/own.js';
import { requestAnswerMessage } from '../src/slack/views/request-answer.js';

export interface MigrateArgs {
  source: SchemaRef;
  destination: SchemaRef;
  tables: string[];
  where: string | null;
  mode: MigrateMode;
  objects: StoredObjectKind[];
  runAt?: string;
}

/** `prod.shop→test.shop`, `prod.shop -> test.shop`, `prod.shop to test.shop` (Slack sends `>` as `&gt;`). */
const ROUTE = /^\s*(\S+?)\s*(?:→|->|\s+to\s+)\s*(\S+)([\s\S]*)$/i;
const KEYWORDS = new Set(['tables', 'table', 'where', 'mode', 'with', 'at', 'tonight', 'now']);
const OBJECT_WORDS: Record<string, StoredObjectKind> = {
  view: 'views',
  views: 'views',
  trigger: 'triggers',
  triggers: 'triggers',
  routine: 'routines',
  routines: 'routines',
  procedures: 'routines',
  procedure: 'routines',
  functions: 'routines',
  function: 'routines',
};
const USAGE_HINT =
  'after the schemas come, in any order: `tables a,b`, `where "<condition>"`, `mode replace|append|fail`, `with views,triggers,routines`, `at TIME`';

/** Curly quotes (Slack's clients type them) as straight ones. Slack's &-escapes were undone where the text came in. */
function normalize(text: string): string {
  return text.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
}

/** A quoted string at the start of `text` ("…" or '…', the quote doubled inside): its content and the rest. */
function quoted(text: string): { value: string; rest: string } | null {
  const quote = text[0];
  if (quote !== '"' && quote !== "'") return null;
  let value = '';
  for (let i = 1; i < text.length; i++) {
    if (text[i] !== quote) {
      value += text[i];
      continue;
    }
    if (text[i + 1] === quote) {
      value += quote;
      i++;
      continue;
    }
    return { value, rest: text.slice(i + 1) };
  }
  return null;
}

/** The words of a list (`a,b, c` or `a b c`) up to the next keyword. */
function listItems(text: string): { items: string[]; rest: string } {
  const words = text.trim().split(/\s+/);
  const taken: string[] = [];
  while (words.length > 0 && words[0] !== '' && !KEYWORDS.has(words[0].toLowerCase())) taken.push(words.shift() ?? '');
  return {
    items: taken
      .join(',')
      .split(',')
      .map((s) => s.replace(/`/g, '').trim())
      .filter(Boolean),
    rest: words.join(' '),
  };
}

/** Parse the options after the route; a problem is reported through `fail`. */
function parseOptions(
  text: string,
  fail: (message: string) => void,
): Omit<MigrateArgs, 'source' | 'destination'> | null {
  const args: Omit<MigrateArgs, 'source' | 'destination'> = { tables: [], where: null, mode: 'fail', objects: [] };
  let rest = text.trim();
  while (rest !== '') {
    const word = /^(\S+)\s*/.exec(rest);
    if (!word) break;
    const keyword = word[1].toLowerCase();
    const after = rest.slice(word[0].length);
    if (keyword === 'tables' || keyword === 'table') {
      const list = listItems(after);
      if (list.items.length === 0) return (fail('`tables` needs table names, e.g. `tables orders,items`'), null);
      args.tables.push(...list.items);
      rest = list.rest;
    } else if (keyword === 'where') {
      const condition = quoted(after.trim());
      if (!condition) return (fail('put the condition in quotes: `where "created_at >= \'2025-01-01\'"`'), null);
      if (condition.value.trim() === '') return (fail('the `where` condition is empty'), null);
      args.where = condition.value.trim();
      rest = condition.rest.trim();
    } else if (keyword === 'mode') {
      const mode = /^(\S+)\s*/.exec(after);
      const value = MIGRATE_MODES.find((m) => m === mode?.[1].toLowerCase());
      if (!mode || !value)
        return (fail(`\`mode\` is one of ${MIGRATE_MODES.join(', ')}${mode ? `, not \`${mode[1]}\`` : ''}`), null);
      args.mode = value;
      rest = after.slice(mode[0].length);
    } else if (keyword === 'with') {
      const list = listItems(after);
      const unknown = list.items.filter((i) => !own(OBJECT_WORDS, i.toLowerCase()));
      if (list.items.length === 0 || unknown.length > 0)
        return (
          fail(
            `\`with\` takes ${STORED_OBJECT_KINDS.join(', ')}${unknown.length > 0 ? `, not \`${unknown.join(', ')}\`` : ''}`,
          ),
          null
        );
      for (const item of list.items) {
        const kind = own(OBJECT_WORDS, item.toLowerCase());
        if (kind && !args.objects.includes(kind)) args.objects.push(kind);
      }
      rest = list.rest;
    } else if (keyword === 'at' || keyword === 'tonight' || keyword === 'now') {
      args.runAt = rest.trim();
      rest = '';
    } else {
      return (fail(`I don't understand \`${word[1].slice(0, 40)}\`: ${USAGE_HINT}`), null);
    }
  }
  return args;
}

/** `SRC→DST [tables t1,t2] [where "<cond>"] [mode replace|append|fail] [with views,triggers,routines] [at TIME]`. */
export const MigrateArgs = z.string().transform((raw, ctx): MigrateArgs => {
  const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
  const text = normalize(raw);
  const route = ROUTE.exec(text);
  if (!route) {
    fail('start with the source and the destination: `prod.shop→test.shop` (or `->`, or `to`)');
    return z.NEVER;
  }
  const source = parseTargetName(route[1]);
  const destination = parseTargetName(route[2]);
  if (!source || !destination) {
    fail(
      `name both sides as cluster.schema (e.g. \`prod.shop→test.shop\`); \`${(source ? route[2] : route[1]).slice(0, 60)}\` is not one`,
    );
    return z.NEVER;
  }
  if (destination.table) {
    fail(`the destination is a schema (cluster.schema): tables keep their names; \`${route[2]}\` names a table`);
    return z.NEVER;
  }
  const options = parseOptions(route[3], fail);
  if (!options) return z.NEVER;
  if (source.table) {
    if (options.tables.length > 0) {
      fail(`name the table either in the source (\`${route[1]}\`) or with \`tables\`, not both`);
      return z.NEVER;
    }
    options.tables = [source.table];
  }
  return {
    source: { cluster: source.cluster, schema: source.schema },
    destination: { cluster: destination.cluster, schema: destination.schema },
    ...options,
  };
});

export const migrate = defineCommand({
  verb: 'migrate',
  usage:
    'migrate SRC→DST [tables t1,t2] [where "<cond>"] [mode replace|append|fail] [with views,triggers,routines] [at TIME]',
  summary:
    'Copy a schema, or some tables, from one cluster to another (SRC and DST are cluster.schema; `->` and `to` work too). Checked at once (schemas, tables, condition, policy.migrate_into); the ticket shows the tables, rows and size, and a DBA approves it. Mode fail (default) stops if a table exists; replace swaps new tables in at the end; append adds rows.',
  example: 'migrate prod.shop→test.shop tables orders,items where "created_at >= \'2025-01-01\'" mode replace',
  args: MigrateArgs,
  async run(args, invocation, deps) {
    const answer = requestAnswerMessage(
      await requestMigration(
        {
          user: invocation.userId,
          args,
          sourceKey: `migrate:${invocation.triggerId ?? `${invocation.userId}:${deps.clock.now().getTime()}`}`,
          channel: invocation.channelId,
        },
        deps,
      ),
    );
    await invocation.respond(answer);
  },
});

import type { KnownBlock } from '@slack/types';
import { internalErrorText } from '../../kernel/errors.js';
import { code, context, header, plainToMrkdwn, section, type Message } from '../../text/blocks.js';

export interface HelpEntry {
  verb: string;
  usage: string;
  summary: string;
  example: string;
}

/** `/dbops help`, generated from the command registry. */
export function helpMessage(entries: readonly HelpEntry[]): Message {
  const blocks: KnownBlock[] = [header('dbops: database work from Slack')];
  for (const entry of entries) {
    blocks.push(
      section(`*${code(`/dbops ${entry.usage}`)}*\n${entry.summary}\n_Example:_ ${code(`/dbops ${entry.example}`)}`),
    );
  }
  blocks.push(
    context(
      'Names are `cluster.schema` or `cluster.schema.table`. Changes are reviewed, approved by a DBA, then run by dbops.',
    ),
  );
  return { text: `dbops commands: ${entries.map((e) => e.verb).join(', ')}`, blocks };
}

/** Bad arguments for a known verb: what was wrong (plain text quoting the user's words; escaped here), the syntax, and an example. */
export function usageMessage(entry: HelpEntry, problem: string): Message {
  const shown = plainToMrkdwn(problem);
  const text = `${shown}\nUsage: ${code(`/dbops ${entry.usage}`)}\nExample: ${code(`/dbops ${entry.example}`)}`;
  return {
    text,
    blocks: [
      section(`:warning: ${shown}`),
      context(`Usage: ${code(`/dbops ${entry.usage}`)}`, `Example: ${code(`/dbops ${entry.example}`)}`),
    ],
  };
}

export function unknownVerbMessage(verb: string, suggestion: string | undefined, verbs: readonly string[]): Message {
  const hint = suggestion ? ` Did you mean ${code(`/dbops ${suggestion}`)}?` : '';
  const text = `dbops has no command ${code(verb)}.${hint} Known: ${verbs.join(', ')}. Type /dbops help for the list.`;
  return {
    text,
    blocks: [
      section(`:thinking_face: dbops has no command ${code(verb)}.${hint}`),
      context(`Known: ${verbs.map((v) => code(v)).join(' ')} · ${code('/dbops help')} lists them with examples.`),
    ],
  };
}

/** An internal failure: a short apology with a reference, never the stack or a secret. */
export function internalErrorMessage(reference: string): Message {
  const text = internalErrorText(reference);
  return { text, blocks: [section(`:boom: ${text}`)] };
}

/** A message of plain text (an error's message, a hint; backtick code spans allowed): escaped here, so it shows as written. */
export function plainMessage(text: string): Message {
  const shown = plainToMrkdwn(text);
  return { text: shown, blocks: [section(shown)] };
}

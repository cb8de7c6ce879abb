import type { Runbook, RunbookParam } from '../config/runbook-schema.js';
import { TARGET_TYPES, wholeMatch } from '../config/runbook-schema.js';
import { own } from '../own.js';
import { closest } from '../text/closest.js';
import { formatDuration, parseDuration } from '../text/duration.js';

/**
 * A runbook's inputs as the script gets them: each declared param's value as text (an int or a
 * duration in seconds as digits), in declaration order. The same strings are kept on the ticket and
 * checked again on the worker, against the config it runs with.
 */
export type ParamValues = Record<string, string>;

/** The cluster the runbook connects to, from its one cluster, schema or table param. */
export interface RunbookTarget {
  cluster: string;
  schema: string | null;
  table: string | null;
}

export interface CheckedParams {
  values: ParamValues;
  target: RunbookTarget;
}

/** What a check needs to know of dbops.yml: the clusters by name, with their environment. */
export type KnownClusters = Readonly<Record<string, { env: string }>>;

/** Problems in words; `byParam` holds each param's own (a form shows it under the field). */
export type Checked =
  | { ok: true; params: CheckedParams }
  | { ok: false; problems: string[]; byParam: Record<string, string> };

/** A schema or table name a runbook may be given: plain letters, digits, `_` and `$` (no quoting needed). */
const IDENTIFIER = /^[A-Za-z0-9_$]{1,64}$/;
/** A word that names its param: `older_than=5m` (a value holding `=` is given by name: `note=a=b`). */
const NAMED = /^([A-Za-z][A-Za-z0-9_]*)=([\s\S]*)$/;

/**
 * Split what follows the runbook's name into words: spaces separate them, and "double", 'single' or
 * Slack's “curly” quotes keep spaces (and quotes of the other kind) inside one. Nothing else is special.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  const closing: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '‘': '’' };
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else if (ch in closing) {
      quote = closing[ch];
      word ??= '';
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** Read `name=value` words and positional values (which fill the declared params in order). */
export function parseParams(runbook: Runbook, words: readonly string[], clusters: KnownClusters): Checked {
  const names = Object.keys(runbook.params);
  const given = new Map<string, string>();
  const problems: string[] = [];
  let position = 0;
  for (const word of words) {
    const named = NAMED.exec(word);
    if (named) {
      const [, name, value] = named;
      if (!names.includes(name)) {
        const hint = closest(name, names);
        problems.push(
          `\`${runbook.name}\` has no param \`${name}\`${hint ? ` — did you mean \`${hint}\`?` : ''} (${takes(runbook)})`,
        );
        continue;
      }
      if (given.has(name)) problems.push(`\`${name}\` is given twice; give it once`);
      given.set(name, value);
      continue;
    }
    while (position < names.length && given.has(names[position])) position += 1;
    if (position >= names.length) {
      problems.push(`\`${word}\` is one value too many (${takes(runbook)}); name the param it is for, as name=value`);
      continue;
    }
    given.set(names[position], word);
    position += 1;
  }
  if (problems.length > 0) return { ok: false, problems, byParam: {} };
  return checkValues(runbook, Object.fromEntries(given), clusters);
}

/** Check each declared param's value (defaults fill the missing ones); every problem is listed. */
export function checkValues(runbook: Runbook, raw: Readonly<Record<string, string>>, clusters: KnownClusters): Checked {
  const problems: string[] = [];
  const byParam: Record<string, string> = {};
  const values: ParamValues = {};
  let target: RunbookTarget | null = null;
  for (const name of Object.keys(raw)) {
    if (!(name in runbook.params)) problems.push(`\`${runbook.name}\` has no param \`${name}\` (${takes(runbook)})`);
  }
  for (const [name, param] of Object.entries(runbook.params)) {
    const value = own(raw, name) ?? defaultOf(param);
    const checked: ValueCheck =
      value === undefined
        ? { problem: `missing \`${name}\`: ${expected(param, clusters)}` }
        : checkValue(name, param, value, clusters);
    if ('problem' in checked) {
      problems.push(checked.problem);
      byParam[name] = checked.problem;
      continue;
    }
    values[name] = checked.value;
    if (checked.target) target = checked.target;
  }
  if (problems.length === 0 && target && runbook.envs) {
    const env = clusters[target.cluster].env;
    if (!runbook.envs.includes(env as never)) {
      const problem = `\`${runbook.name}\` may run in ${runbook.envs.join(', ')} only; cluster \`${target.cluster}\` is ${env}`;
      problems.push(problem);
      const targetParam = Object.keys(runbook.params).find((n) => isTargetParam(runbook.params[n]));
      if (targetParam) byParam[targetParam] = problem;
    }
  }
  if (problems.length > 0 || target === null) return { ok: false, problems, byParam };
  return { ok: true, params: { values, target } };
}

function defaultOf(param: RunbookParam): string | undefined {
  if (!('default' in param) || param.default === undefined) return undefined;
  return String(param.default);
}

type ValueCheck = { value: string; target?: RunbookTarget } | { problem: string };

function checkValue(name: string, param: RunbookParam, value: string, clusters: KnownClusters): ValueCheck {
  const bad = (why: string): ValueCheck => ({
    problem: `\`${name}\`: ${why}; expected ${expected(param, clusters)}`,
  });
  switch (param.type) {
    case 'cluster':
    case 'schema':
    case 'table':
      return checkTarget(name, param.type, value, clusters, bad);
    case 'int': {
      if (!/^-?\d{1,15}$/.test(value.trim())) return bad(`\`${shown(value)}\` is not a whole number`);
      const n = Number(value.trim());
      if ((param.min !== undefined && n < param.min) || (param.max !== undefined && n > param.max))
        return bad(`${n} is out of range`);
      return { value: String(n) };
    }
    case 'duration': {
      const seconds = parseDuration(value);
      if (seconds === null) return bad(`\`${shown(value)}\` is not a duration`);
      if ((param.min !== undefined && seconds < param.min) || (param.max !== undefined && seconds > param.max))
        return bad(`${formatDuration(seconds)} is out of range`);
      return { value: String(seconds) };
    }
    case 'enum': {
      if (param.values.includes(value)) return { value };
      const hint = closest(value, param.values);
      return bad(`\`${shown(value)}\` is not one of them${hint ? ` (did you mean \`${hint}\`?)` : ''}`);
    }
    case 'text': {
      if (value.length > param.max_length) return bad(`it is ${value.length} characters long`);
      if (/\p{Cc}/u.test(value)) return bad('it holds a control character (a line break, a tab)');
      if (param.pattern !== undefined && !wholeMatch(param.pattern).test(value))
        return bad(`\`${shown(value)}\` does not match`);
      return { value };
    }
  }
}

function checkTarget(
  name: string,
  type: 'cluster' | 'schema' | 'table',
  value: string,
  clusters: KnownClusters,
  bad: (why: string) => ValueCheck,
): ValueCheck {
  const parts = value.split('.');
  const count = { cluster: 1, schema: 2, table: 3 }[type];
  if (parts.length !== count)
    return bad(`\`${shown(value)}\` has ${parts.length} part${parts.length === 1 ? '' : 's'}`);
  const [cluster, schema = null, table = null] = parts;
  if (own(clusters, cluster) === undefined) {
    const known = Object.keys(clusters);
    const hint = closest(cluster, known);
    return {
      problem: `\`${name}\`: cluster \`${shown(cluster)}\` is not in dbops.yml${hint ? ` — did you mean \`${hint}\`?` : ''} (known: ${known.join(', ')})`,
    };
  }
  for (const part of [schema, table]) {
    if (part !== null && !IDENTIFIER.test(part))
      return bad(`\`${shown(part)}\` is not a plain name (letters, digits, _ and $ only)`);
  }
  return { value, target: { cluster, schema, table } };
}

/** What a param expects, for error messages and help. */
export function expected(param: RunbookParam, clusters: KnownClusters): string {
  const example = Object.keys(clusters)[0] ?? 'prod';
  switch (param.type) {
    case 'cluster':
      return `a cluster, e.g. \`${example}\``;
    case 'schema':
      return `a schema as cluster.schema, e.g. \`${example}.shop\``;
    case 'table':
      return `a table as cluster.schema.table, e.g. \`${example}.shop.orders\``;
    case 'int':
      return `a whole number${range(param.min, param.max, String)}`;
    case 'duration':
      return `a duration such as 30s, 10m or 2h${range(param.min, param.max, formatDuration)}`;
    case 'enum':
      return `one of ${param.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'text':
      return param.pattern !== undefined
        ? `text matching \`${param.pattern}\` (at most ${param.max_length} characters)`
        : `text of at most ${param.max_length} characters`;
  }
}

function range(min: number | undefined, max: number | undefined, show: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return ` from ${show(min)} to ${show(max)}`;
  if (min !== undefined) return ` of at least ${show(min)}`;
  if (max !== undefined) return ` of at most ${show(max)}`;
  return '';
}

/** "it takes target, user, older_than" — for errors. */
function takes(runbook: Runbook): string {
  const names = Object.keys(runbook.params);
  return names.length === 0 ? 'it takes no params' : `it takes ${names.map((n) => `\`${n}\``).join(', ')}`;
}

function shown(value: string): string {
  const clean = value.replace(/[`\p{Cc}]/gu, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}…` : clean;
}

/** Whether a param names the runbook's cluster. */
export function isTargetParam(param: RunbookParam): boolean {
  return TARGET_TYPES.has(param.type);
}

import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import type { Runbook, RunbookParam } from '../../config/runbook-schema.js';
import { formatDuration } from '../../text/duration.js';
import { ids } from '../ids.js';
import { code, context, escapeMrkdwn, header, type Message, section, truncate } from '../../text/blocks.js';

/** What the views know of a cluster: its name and environment. */
export type ClusterChoices = Readonly<Record<string, { env: string }>>;

const MAX_RUNBOOKS_SHOWN = 20;
/** Slack's limit of options in a static select. */
const MAX_OPTIONS = 100;

/** `/dbops runbooks` (and `/dbops run` without a name): each runbook with its params, and a Run… button. */
export function runbookListMessage(runbooks: readonly Runbook[], approvals: (runbook: Runbook) => string): Message {
  if (runbooks.length === 0)
    return {
      text: 'No runbooks are configured',
      blocks: [
        section(
          ':card_index_dividers: No runbooks are configured. A DBA declares them under `runbooks:` in dbops.yml (see dbops.example.yml).',
        ),
      ],
    };
  const blocks: KnownBlock[] = [header(`Runbooks (${runbooks.length})`)];
  for (const runbook of runbooks.slice(0, MAX_RUNBOOKS_SHOWN)) {
    const params = Object.entries(runbook.params).map(([name, p]) => `• ${code(name)} ${paramSummary(p)}`);
    const facts = [
      `approvals: ${approvals(runbook)}`,
      `timeout ${formatDuration(runbook.timeout)}`,
      runbook.envs ? `runs in ${runbook.envs.join(', ')}` : null,
      runbook.idempotent ? 'safe to re-run' : null,
    ].filter((f): f is string => f !== null);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: truncate(
          [
            `*${escapeMrkdwn(runbook.name)}* — ${escapeMrkdwn(runbook.summary)}`,
            ...params,
            `_${facts.join(' · ')}_`,
          ].join('\n'),
          2900,
        ),
      },
      accessory: {
        type: 'button',
        action_id: ids.runbookActions.open,
        text: { type: 'plain_text', text: 'Run…' },
        value: runbook.name,
      },
    });
  }
  if (runbooks.length > MAX_RUNBOOKS_SHOWN) blocks.push(context(`…and ${runbooks.length - MAX_RUNBOOKS_SHOWN} more.`));
  const first = runbooks[0];
  blocks.push(
    context(
      `Run one: ${code(`/dbops run ${first.name} ${Object.keys(first.params).join('=… ')}=…`)} (values in the declared order may go without names), or ${code(`/dbops run ${first.name}`)} for a form.`,
    ),
  );
  return { text: `Runbooks: ${runbooks.map((r) => r.name).join(', ')}`, blocks };
}

/** `table` · `int 1–100 (default 10)` · `one of no, yes (default no)`. */
export function paramSummary(param: RunbookParam): string {
  const described = param.description ? ` — ${escapeMrkdwn(param.description)}` : '';
  return `_${escapeMrkdwn(typeText(param))}_${described}`;
}

function typeText(param: RunbookParam): string {
  const dflt = (value: string | undefined) => (value === undefined || value === '' ? '' : ` (default ${value})`);
  switch (param.type) {
    case 'cluster':
      return 'cluster';
    case 'schema':
      return 'cluster.schema';
    case 'table':
      return 'cluster.schema.table';
    case 'int':
      return `whole number${bounds(param.min, param.max, String)}${dflt(param.default?.toString())}`;
    case 'duration':
      return `duration${bounds(param.min, param.max, formatDuration)}${dflt(param.default === undefined ? undefined : formatDuration(param.default))}`;
    case 'enum':
      return `one of ${param.values.join(', ')}${dflt(param.default)}`;
    case 'text':
      return `text${param.pattern ? ` matching ${param.pattern}` : ''}${dflt(param.default)}`;
  }
}

function bounds(min: number | undefined, max: number | undefined, show: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return ` ${show(min)}–${show(max)}`;
  if (min !== undefined) return ` ≥ ${show(min)}`;
  if (max !== undefined) return ` ≤ ${show(max)}`;
  return '';
}

export interface RunbookFormMetadata {
  runbook: string;
  channel: string;
}

/**
 * The form of a runbook, generated from its declaration: a select menu for a cluster param (the
 * clusters of the environments it may run in) and for an enum, a text field for the rest, with
 * defaults filled in.
 */
export function runbookFormView(
  runbook: Runbook,
  clusters: ClusterChoices,
  metadata: RunbookFormMetadata,
  prefill: Readonly<Record<string, string>> = {},
): View {
  const blocks: KnownBlock[] = [
    section(`*${escapeMrkdwn(runbook.name)}* — ${escapeMrkdwn(runbook.summary)}`),
    ...Object.entries(runbook.params).map(([name, param]) => paramInput(name, param, clusters, runbook, prefill[name])),
    context(
      `A ticket is opened with these values; it runs after the approvals its cluster's environment needs. Timeout ${formatDuration(runbook.timeout)}.`,
    ),
  ];
  return {
    type: 'modal',
    callback_id: ids.runbookForm.callback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: truncate(`Run ${runbook.name}`, 24) },
    submit: { type: 'plain_text', text: 'Open ticket' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function paramInput(
  name: string,
  param: RunbookParam,
  clusters: ClusterChoices,
  runbook: Runbook,
  prefill: string | undefined,
): KnownBlock {
  const action_id = ids.runbookForm.input;
  const initial = prefill ?? initialValue(param);
  const base = {
    type: 'input' as const,
    block_id: `${ids.runbookForm.paramBlockPrefix}${name}`,
    label: { type: 'plain_text' as const, text: truncate(name, 2000) },
    ...(param.description ? { hint: { type: 'plain_text' as const, text: truncate(param.description, 2000) } } : {}),
  };
  const choices =
    param.type === 'cluster'
      ? Object.entries(clusters)
          .filter(([, c]) => !runbook.envs || runbook.envs.includes(c.env as never))
          .map(([cluster, c]) => ({ value: cluster, label: `${cluster} (${c.env})` }))
      : param.type === 'enum'
        ? param.values.map((v) => ({ value: v, label: v }))
        : null;
  if (choices && choices.length > 0 && choices.length <= MAX_OPTIONS) {
    const options: PlainTextOption[] = choices.map((c) => ({
      text: { type: 'plain_text', text: truncate(c.label, 75) },
      value: c.value,
    }));
    const selected = options.find((o) => o.value === initial);
    return {
      ...base,
      element: {
        type: 'static_select',
        action_id,
        placeholder: { type: 'plain_text', text: `Choose a ${param.type === 'cluster' ? 'cluster' : 'value'}` },
        options,
        ...(selected ? { initial_option: selected } : {}),
      },
    };
  }
  return {
    ...base,
    ...(param.type === 'text' && param.default === '' ? { optional: true } : {}),
    element: {
      type: 'plain_text_input',
      action_id,
      placeholder: { type: 'plain_text', text: truncate(placeholder(param, clusters), 150) },
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

function initialValue(param: RunbookParam): string | undefined {
  if (!('default' in param) || param.default === undefined) return undefined;
  if (param.type === 'duration') return formatDuration(param.default);
  return String(param.default);
}

function placeholder(param: RunbookParam, clusters: ClusterChoices): string {
  const example = Object.keys(clusters)[0] ?? 'prod';
  switch (param.type) {
    case 'cluster':
      return example;
    case 'schema':
      return `${example}.shop`;
    case 'table':
      return `${example}.shop.orders`;
    case 'duration':
      return '30s, 10m, 2h';
    default:
      return typeText(param);
  }
}

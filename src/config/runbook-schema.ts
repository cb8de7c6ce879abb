import { messageOf } from '../kernel/errors.js';
import { z } from 'zod';
import { formatDuration, parseDuration } from '../text/duration.js';
import { Environment } from './environment.js';

/** Longest a runbook may be given to run (`timeout`). */
const MAX_TIMEOUT_SECONDS = 7 * 86_400;

/** A duration in dbops.yml: `30s`, `10m`, `1h30m`, `2d`, or a number of seconds; read as seconds. */
export const DurationSetting = z.union([z.number().int().min(0), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const seconds = parseDuration(value);
  if (seconds === null) {
    ctx.issues.push({ code: 'custom', input: value, message: 'expected a duration such as 30s, 10m, 1h30m or 2d' });
    return z.NEVER;
  }
  return seconds;
});

const description = z.string().min(1).optional();

/** A cluster of dbops.yml (the runbook connects to it): `prod`. */
const ClusterParam = z.strictObject({ type: z.literal('cluster'), description });
/** A schema on a cluster (the runbook connects to the cluster): `prod.shop`. */
const SchemaParam = z.strictObject({ type: z.literal('schema'), description });
/** A table on a cluster (the runbook connects to the cluster): `prod.shop.orders`. */
const TableParam = z.strictObject({ type: z.literal('table'), description });

const IntParam = z
  .strictObject({
    type: z.literal('int'),
    description,
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    default: z.number().int().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${p.min})` });
    if (p.default !== undefined && !inRange(p.default, p))
      ctx.addIssue({ code: 'custom', path: ['default'], message: `must be within min and max` });
  });

const DurationParam = z
  .strictObject({
    type: z.literal('duration'),
    description,
    min: DurationSetting.optional(),
    max: DurationSetting.optional(),
    default: DurationSetting.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.min !== undefined && p.max !== undefined && p.min > p.max)
      ctx.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${formatDuration(p.min)})` });
    if (p.default !== undefined && !inRange(p.default, p))
      ctx.addIssue({ code: 'custom', path: ['default'], message: `must be within min and max` });
  });

const EnumParam = z
  .strictObject({
    type: z.literal('enum'),
    description,
    values: z.array(z.string().min(1)).min(1),
    default: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.default !== undefined && !p.values.includes(p.default))
      ctx.addIssue({ code: 'custom', path: ['default'], message: `must be one of values (${p.values.join(', ')})` });
  });

/** A pattern's source compiled as dbops applies it: the whole value must match. */
export function wholeMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

const TextParam = z
  .strictObject({
    type: z.literal('text'),
    description,
    /** A regular expression the whole value must match (e.g. `[a-z_]{1,32}`). */
    pattern: z.string().min(1).optional(),
    max_length: z.number().int().min(1).max(4000).default(200),
    default: z.string().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.pattern === undefined) return;
    let re: RegExp;
    try {
      re = wholeMatch(p.pattern);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a valid regular expression (${messageOf(err)})`,
      });
      return;
    }
    if (p.default !== undefined && p.default !== '' && !re.test(p.default))
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'does not match the pattern' });
  });

export const PARAM_TYPES = ['cluster', 'schema', 'table', 'int', 'duration', 'enum', 'text'] as const;

/** One declared input of a runbook, by its `type` (read first, so an unknown type lists the known ones). */
export const RunbookParam = z
  .looseObject({ type: z.enum(PARAM_TYPES) })
  .pipe(
    z.discriminatedUnion('type', [
      ClusterParam,
      SchemaParam,
      TableParam,
      IntParam,
      DurationParam,
      EnumParam,
      TextParam,
    ]),
  );
export type RunbookParam = z.infer<typeof RunbookParam>;
export type ParamType = RunbookParam['type'];

/** Param types that name a cluster: a runbook has exactly one, the cluster it connects to. */
export const TARGET_TYPES: ReadonlySet<ParamType> = new Set(['cluster', 'schema', 'table']);

function inRange(value: number, p: { min?: number; max?: number }): boolean {
  return (p.min === undefined || value >= p.min) && (p.max === undefined || value <= p.max);
}

const ParamName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'expected a param name of lower-case letters, digits or _ (at most 40)');

/**
 * A runbook (ARCHITECTURE.md, "Config additions"): a DBA's script that dbops runs on a worker with
 * typed inputs, after the approvals its target's environment needs, its output streamed to the ticket.
 */
export const Runbook = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a name of lower-case letters, digits or - (at most 40)'),
    summary: z.string().min(1),
    /** The executable (relative paths are read from the config file's directory). Run with argv only: never a shell line. */
    run: z.string().min(1),
    /** Declared in order: positional values fill them in that order. */
    params: z.record(ParamName, RunbookParam).default({}),
    /** DBA approvals per environment of the target cluster; an environment not named takes `policy.approvals`. */
    approvals: z.partialRecord(Environment, z.number().int().min(0).max(5)).default({}),
    /** Environments the runbook may run in (default: every one). */
    envs: z.array(Environment).min(1).optional(),
    /** The run is killed (with its process group) after this long. */
    timeout: DurationSetting.default(600).refine((s) => s >= 1 && s <= MAX_TIMEOUT_SECONDS, {
      message: `expected a timeout between 1s and ${formatDuration(MAX_TIMEOUT_SECONDS)}`,
    }),
    /** Safe to run again from the start after a worker died mid-run; otherwise such a run fails with the truth. */
    idempotent: z.boolean().default(false),
    /** Environment variables handed to the script (e.g. an API token); their values are masked in its output. */
    secrets: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name')).default([]),
  })
  .superRefine((runbook, ctx) => {
    const targets = Object.entries(runbook.params).filter(([, p]) => TARGET_TYPES.has(p.type));
    if (targets.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['params'],
        message:
          targets.length === 0
            ? 'declare one param of type cluster, schema or table: it names the cluster the runbook connects to'
            : `only one param may be of type cluster, schema or table (found ${targets.map(([n]) => n).join(', ')}): it names the cluster the runbook connects to`,
      });
  });
export type Runbook = z.infer<typeof Runbook>;

export const RunbooksSection = z.array(Runbook).superRefine((runbooks, ctx) => {
  const seen = new Set<string>();
  runbooks.forEach((runbook, index) => {
    if (seen.has(runbook.name))
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `'${runbook.name}' is declared twice` });
    seen.add(runbook.name);
  });
});

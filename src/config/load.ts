import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ConfigError, firstLineOf } from '../kernel/errors.js';
import { DbopsConfig } from './schema.js';
import { DbopsEnv } from './env.js';
import { formatIssues } from './format-issues.js';

export interface LoadedConfig {
  config: DbopsConfig;
  env: DbopsEnv;
  /** The file the config was read from. */
  file: string;
}

/**
 * Alias expansions allowed when the YAML becomes data (the `yaml` package's guard against "billion
 * laughs" files, whose nested aliases expand to gigabytes); a real dbops.yml needs a handful.
 */
const MAX_ALIAS_COUNT = 100;

/** Parse and validate a dbops.yml text; every problem is listed by its YAML path. */
export function parseConfig(text: string, file = 'dbops.yml'): DbopsConfig {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0].replace(/:$/, '')}`),
      file,
    );
  }
  const raw = yamlData(doc, file);
  const protoKeys = protoKeyPaths(raw);
  if (protoKeys.length > 0)
    throw new ConfigError(
      protoKeys.map((path) => `${path}: '__proto__' cannot be a key in dbops.yml (it would be dropped unseen)`),
      file,
    );
  const parsed = DbopsConfig.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, raw), file);
  const crossProblems = checkReferences(parsed.data);
  if (crossProblems.length > 0) throw new ConfigError(crossProblems, file);
  return withRunbookPaths(parsed.data, file);
}

/** Runbooks' `run` paths read from the config file's directory, so every process finds the same executable. */
function withRunbookPaths(config: DbopsConfig, file: string): DbopsConfig {
  const base = dirname(resolve(file));
  return { ...config, runbooks: config.runbooks.map((r) => ({ ...r, run: resolve(base, r.run) })) };
}

/** The document as plain data; alias problems (too many expansions, an alias before its anchor) become config problems. */
function yamlData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    const message = firstLineOf(err);
    const problem = /excessive alias count/i.test(message)
      ? `YAML aliases: they expand to more than ${MAX_ALIAS_COUNT} copies (refused: nested aliases can blow a small file up to gigabytes); write the repeated parts out or use fewer aliases`
      : /alias/i.test(message)
        ? `YAML aliases: ${message}`
        : `YAML: ${message}`;
    throw new ConfigError([problem], file);
  }
}

/** Where the data has a `__proto__` key: zod drops such keys without a word, so they are refused here. */
function protoKeyPaths(node: unknown, path: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === '__proto__' ? [[...path, key].join('.')] : []),
    ...protoKeyPaths(value, [...path, key]),
  ]);
}

/** Problems zod cannot see field by field: names that must point at other parts of the file. */
function checkReferences(config: DbopsConfig): string[] {
  const problems: string[] = [];
  const known = Object.keys(config.clusters);
  const scratch = config.review.scratch_cluster;
  if (scratch && !known.includes(scratch)) {
    problems.push(
      `review.scratch_cluster: cluster '${scratch}' is not defined under clusters (known: ${known.join(', ')})`,
    );
  }
  if (known.length === 0) problems.push('clusters: define at least one cluster');
  for (const [name, cluster] of Object.entries(config.clusters)) {
    if (!isKnownTimeZone(cluster.timezone)) {
      problems.push(
        `clusters.${name}.timezone: '${cluster.timezone}' is not an IANA time zone (e.g. UTC, Asia/Shanghai)`,
      );
    }
  }
  return problems;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseEnv(source: NodeJS.ProcessEnv): DbopsEnv {
  const parsed = DbopsEnv.safeParse(source);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues, source), 'environment');
  return parsed.data;
}

/**
 * The one loader: env first (it names the config file), then the YAML. When `./dbops.yml` is
 * missing and DBOPS_CONFIG was not set, the bundled example is used so a newcomer can start at once.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const env = parseEnv(source);
  const file = resolveConfigFile(env.DBOPS_CONFIG, source.DBOPS_CONFIG !== undefined);
  return { config: parseConfig(readFileSync(file, 'utf8'), file), env, file };
}

function resolveConfigFile(file: string, explicit: boolean): string {
  if (existsSync(file)) return file;
  const example = new URL('../../dbops.example.yml', import.meta.url).pathname;
  if (!explicit && existsSync(example)) return example;
  throw new ConfigError(
    [`config file not found: ${file} (copy dbops.example.yml to dbops.yml, or set DBOPS_CONFIG)`],
    file,
  );
}

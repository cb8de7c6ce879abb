import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { ClusterPools } from '../db/pools.js';
import { reviewSql } from './engine.js';
import { renderJson } from './render/json.js';
import { renderText } from './render/text.js';
import { renderSarif } from './render/sarif.js';
import { renderGithub } from './render/github.js';
import { createReviewer } from './service.js';
import { ConfigError, messageOf } from '../kernel/errors.js';
import { parseTargetName, requireCluster, type TargetName } from '../inventory/names.js';
import { rules } from './rules/index.js';
import { defaultRules, resolveRules } from './settings.js';
import type { ReviewReport } from './types.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  readFile(path: string): string;
}

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
const FAIL_ON = ['error', 'warning'] as const;

function readArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      change: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** `dbops review [--target cluster.schema] [--format text|json|sarif|github] [--fail-on error|warning] FILE|-`. */
export async function reviewCli(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs(argv);
  } catch (err) {
    return usage(io, messageOf(err));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const format = FORMATS.find((f) => f === values.format);
  const failOn = FAIL_ON.find((f) => f === values['fail-on']);
  if (!format) return usage(io, `--format must be one of ${FORMATS.join(', ')} (got '${values.format}')`);
  if (!failOn) return usage(io, `--fail-on must be one of ${FAIL_ON.join(', ')} (got '${values['fail-on']}')`);
  if (positionals.length !== 1) return usage(io, 'give exactly one FILE, or - to read standard input');
  const source = positionals[0];
  const sql = source === '-' ? await readAll(io.stdin) : io.readFile(source);
  let target: TargetName | undefined;
  if (values.target !== undefined) {
    target = parseTargetName(values.target);
    if (!target) return usage(io, `--target must be cluster.schema (got '${values.target}')`);
  }
  const purpose = values.change ? 'change' : 'review';
  const report = target
    ? await reviewAgainst(sql, target, purpose)
    : await reviewSql(sql, { rules: cliRules(), purpose });
  const artifact = source === '-' ? '<stdin>' : source;
  io.stdout.write(render(format, report, artifact));
  return failsAt(report, failOn) ? 1 : 0;
}

function render(format: (typeof FORMATS)[number], report: ReviewReport, artifact: string): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, rules, artifact);
    case 'github':
      return renderGithub(report, artifact);
    case 'text':
      return renderText(report, artifact);
  }
}

/** With a target the config is required: it names the cluster and where its password comes from. */
async function reviewAgainst(sql: string, target: TargetName, purpose: 'review' | 'change'): Promise<ReviewReport> {
  const { config } = loadConfig(process.env);
  requireCluster(config, target.cluster);
  // This command's process: its one set of pools, closed when the review is done.
  const pools = new ClusterPools(config.clusters, { secrets: process.env });
  try {
    const reviewer = createReviewer(config, { pools, secrets: process.env });
    return await reviewer.review({ sql, target: { cluster: target.cluster, schema: target.schema }, purpose });
  } finally {
    await pools.closeAll();
  }
}

/** With a dbops.yml present (or DBOPS_CONFIG set) its review settings apply; otherwise the defaults. */
function cliRules() {
  try {
    const { config } = loadConfig(process.env);
    return resolveRules(rules, config.review);
  } catch (err) {
    if (err instanceof ConfigError && !err.problems.some((p) => p.startsWith('config file not found'))) throw err;
    return defaultRules(rules);
  }
}

function failsAt(report: ReviewReport, level: (typeof FAIL_ON)[number]): boolean {
  return report.summary.errors > 0 || (level === 'warning' && report.summary.warnings > 0);
}

const USAGE =
  'Usage: dbops review [--target cluster.schema] [--change] [--format text|json|sarif|github] [--fail-on error|warning] FILE|-';

const HELP = `${USAGE}

Reviews the SQL in FILE (or standard input, with -) and prints the findings; nothing is run.

  --target cluster.schema  also check against that schema as it is on the cluster (dbops.yml)
  --change                 review it as a change to run (the rules of /dbops exec), not a query
  --format FORMAT          text (default), json, sarif or github (workflow annotations)
  --fail-on LEVEL          exit 1 at error (default) or at warning and above
  -h, --help               print this help

Exit status: 0 below the fail-on level, 1 at or above it, 2 on bad usage.
`;

function usage(io: CliIo, problem: string): number {
  io.stderr.write(`dbops review: ${problem}\n${USAGE}\n(dbops review --help explains each option)\n`);
  return 2;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

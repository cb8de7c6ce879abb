import { readFileSync } from 'node:fs';
import { dbopsDirs } from './config/dirs.js';
import { loadConfig } from './config/load.js';
import { grantKeyProblem, secretKeyStatus } from './config/secret-key.js';
import { isDbopsError, messageOf } from './kernel/errors.js';
import { runDoctor, renderDoctor } from './inventory/doctor.js';
import type { Pool } from 'mysql2/promise';
import type { DbopsConfig } from './config/schema.js';
import { topologyDoctor } from './ha/doctor.js';
import { TopologyStore } from './ha/topology.js';
import { migrateMeta, openMetaStore } from './db/meta.js';
import { parseEnv } from './config/load.js';
import { reviewCli } from './review/cli.js';
import { checkRunbooks, renderRunbookChecks } from './runbooks/doctor.js';
import { plural } from './kernel/format.js';
import { checkBackups, renderBackupChecks } from './backup/doctor.js';

const USAGE = `Usage: dbops <command> [options]

Commands:
  start                 run dbops (DBOPS_ROLE=all|bot|worker picks the parts)
  worker                run only the job workers (same as DBOPS_ROLE=worker dbops start)
  review [--target cluster.schema] [--change] [--format text|json|sarif|github] [--fail-on error|warning] FILE|-
                        review SQL from a file or stdin; exit 0 below --fail-on, 1 at or above, 2 on bad usage.
                        --target also checks the schema and EXPLAINs there; --change adds the change-ticket
                        rules (no plain SELECTs, no GRANTs), as /dbops exec applies them
  doctor                check dbops.yml, the runbooks' executables, backups.dir, and connect to every primary and replica
  migrate-meta          create/upgrade the meta database (DBOPS_META_URL) and exit
  help                  this text

Environment: DBOPS_CONFIG (default ./dbops.yml), DBOPS_META_URL, REDIS_URL, SLACK_* (see README).
`;

/** The `dbops` command line; returns the exit code. */
export async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await import('./main.js').then((m) => m.main());
      return -1;
    case 'worker':
      await import('./main.js').then((m) => m.main({}, { ...process.env, DBOPS_ROLE: 'worker' }));
      return -1;
    case 'review':
      return reviewCli(rest, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        readFile: (f) => readFileSync(f, 'utf8'),
      });
    case 'doctor':
      return doctor();
    case 'migrate-meta':
      return migrateOnly();
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`dbops: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function doctor(): Promise<number> {
  const { config, env, file } = loadConfig(process.env);
  process.stdout.write(`config ${file}: ok (${plural(Object.keys(config.clusters).length, 'cluster')})\n`);
  const key = secretKeyStatus({ keyEnv: config.secrets.key_env, secrets: process.env, stateDir: dbopsDirs(env).state });
  const label = { ok: 'ok  ', warning: 'WARN', problem: 'FAIL' }[key.level];
  process.stdout.write(`${label} secret key: ${key.text}\n`);
  const runbooks = checkRunbooks(config.runbooks, process.env);
  process.stdout.write(renderRunbookChecks(runbooks));
  const grants = grantKeyProblem({ keyEnv: config.secrets.key_env, secrets: process.env });
  process.stdout.write(
    grants
      ? `WARN grants: ${grants}; until then /dbops grant refuses requests\n`
      : 'ok   grants: passwords can be kept encrypted\n',
  );
  process.stdout.write(await recordedTopologies(config.clusters, env.DBOPS_META_URL));
  const backups = await checkBackups(config);
  process.stdout.write(renderBackupChecks(backups));
  const checks = await runDoctor(config, process.env);
  process.stdout.write(renderDoctor(checks));
  const failed =
    key.level === 'problem' ||
    runbooks.some((r) => r.problem) ||
    backups.some((b) => b.level === 'problem') ||
    checks.some((c) => c.problems.length > 0);
  return failed ? 1 : 0;
}

/** The primaries switchovers moved (meta database), applied before the instances are checked. */
async function recordedTopologies(clusters: DbopsConfig['clusters'], metaUrl: string): Promise<string> {
  let pool: Pool | undefined;
  try {
    pool = await openMetaStore(metaUrl);
    return topologyDoctor(clusters, await new TopologyStore(pool).all());
  } catch (err) {
    return `WARN topology: the primaries switchovers recorded were not read (${messageOf(err)}); dbops.yml's are checked\n`;
  } finally {
    await pool?.end();
  }
}

async function migrateOnly(): Promise<number> {
  const env = parseEnv(process.env);
  const pool = await openMetaStore(env.DBOPS_META_URL);
  try {
    const applied = await migrateMeta(pool);
    process.stdout.write(
      applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'meta store is up to date\n',
    );
    return 0;
  } finally {
    await pool.end();
  }
}

/** Run the CLI for this process: exit code from `cli`, messages instead of stack traces. */
export function runCli(argv = process.argv.slice(2)): void {
  cli(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`dbops: ${messageOf(err)}\n`);
      process.exitCode = isDbopsError(err) && (err.code === 'config' || err.code === 'usage') ? 2 : 1;
    },
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) runCli();

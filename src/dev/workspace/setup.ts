/**
 * Who and what the local workspace holds, from dbops.yml: a developer plus the configured DBAs to
 * act as, the approval and alert channels plus #general, and a welcome note that walks the tour.
 */
import type { DbopsConfig } from '../../config/schema.js';
import type { FakeSlackApi, FakeSlackApiOptions, FakeUser } from '../fake-slack-api.js';
import { SLACKBOT, type Person } from './state.js';

export const LOCAL_DEVELOPER: FakeUser = { id: 'U0DEV00001', name: 'alex.dev', real_name: 'Alex Developer', tz: 'UTC' };
const DBA_NAMES = [
  { name: 'dana.dba', real_name: 'Dana DBA' },
  { name: 'sam.dba', real_name: 'Sam DBA' },
  { name: 'kim.dba', real_name: 'Kim DBA' },
];
/** DBAs for a config that names only a user group. */
const GROUP_DBAS = ['U0DBA00001', 'U0DBA00002'];
const GENERAL = 'C0GENERAL01';

export interface LocalWorkspaceSetup {
  api: FakeSlackApiOptions;
  people: Person[];
  purposes: Record<string, string>;
  generalChannel: string;
}

export function localWorkspaceSetup(config: Pick<DbopsConfig, 'slack'>): LocalWorkspaceSetup {
  const { slack } = config;
  const dbaIds = slack.dba_users.length > 0 ? [...new Set(slack.dba_users)] : GROUP_DBAS;
  const developer = dbaIds.includes(LOCAL_DEVELOPER.id) ? { ...LOCAL_DEVELOPER, id: 'U0DEV00002' } : LOCAL_DEVELOPER;
  const dbas: FakeUser[] = dbaIds.map((id, i) => ({
    id,
    tz: 'UTC',
    ...(DBA_NAMES[i] ?? { name: `dba.${i + 1}`, real_name: `DBA ${i + 1}` }),
  }));
  const channels = [
    { id: GENERAL, name: 'general' },
    { id: slack.approval_channel, name: 'dba-approvals' },
  ];
  if (slack.alert_channel !== slack.approval_channel) channels.push({ id: slack.alert_channel, name: 'dba-alerts' });
  const purposes: Record<string, string> = {
    [GENERAL]: 'Anyone can type /dbops here. Approval requests go to #dba-approvals.',
    [slack.approval_channel]: 'dbops posts change requests here; DBAs approve or reject them with the buttons.',
  };
  if (slack.alert_channel !== slack.approval_channel)
    purposes[slack.alert_channel] = 'dbops monitors post alerts here.';
  return {
    api: {
      users: [developer, ...dbas, { id: SLACKBOT.id, name: 'slackbot', real_name: SLACKBOT.name, is_bot: true }],
      channels,
      usergroups: slack.dba_usergroup ? { [slack.dba_usergroup]: dbaIds } : {},
      keepCalls: 2000, // the workspace reads state, not the call log; a long session should not grow without bound
    },
    people: [{ id: developer.id, role: 'developer' }, ...dbas.map((d) => ({ id: d.id, role: 'dba' as const }))],
    purposes,
    generalChannel: GENERAL,
  };
}

/** Slackbot's note in #general: what to try, in order. */
export function postWelcome(
  api: FakeSlackApi,
  setup: LocalWorkspaceSetup,
  config: Pick<DbopsConfig, 'slack' | 'clusters' | 'policy'>,
): void {
  const developer = api.user(setup.people[0].id);
  const dba = setup.people.find((p) => p.role === 'dba');
  const dbaName = dba ? (api.user(dba.id)?.real_name ?? 'a DBA') : 'a DBA';
  const { approved, source, copyInto } = tourClusters(config);
  const text = [
    ':wave: *Welcome to the dbops local workspace.* Everything you do here reaches dbops as a signed Slack request, exactly as from Slack; nothing leaves this machine.',
    `1. As *${developer?.real_name ?? 'the developer'}*, type \`/dbops help\`, or ask for a change: \`/dbops exec ${approved}.shop UPDATE orders SET status = 2 WHERE id = 3\``,
    `2. Switch to *${dbaName}* (top right) and approve it in <#${config.slack.approval_channel}>; the run is reported in the ticket's thread, with a *Roll back* button.`,
    `3. Copy a schema: \`/dbops migrate ${source}.shop→${copyInto}.shop_copy\``,
    '4. Open *Apps → dbops* for your Home tab, or send dbops a ```sql block or a .sql file there to have it reviewed.',
    '_No `shop` schema on your MariaDB yet? `bash scripts/demo-schema.sh` creates one with a few rows, and an empty `shop_copy`._',
  ].join('\n');
  api.postLocalMessage({ channel: setup.generalChannel, from: SLACKBOT.id, text });
}

/** Clusters for the tour: one whose changes need a DBA, a source, and one a migration may write into. */
export function tourClusters(config: Pick<DbopsConfig, 'clusters' | 'policy'>): {
  approved: string;
  source: string;
  copyInto: string;
} {
  const names = Object.keys(config.clusters);
  const first = names[0] ?? 'prod';
  const needsDba = names.find((n) => (config.policy.approvals[config.clusters[n].env] ?? 0) > 0);
  const writable = names.filter((n) => config.policy.migrate_into.includes(config.clusters[n].env));
  const copyInto = writable.find((n) => n !== first) ?? writable[0] ?? first;
  return { approved: needsDba ?? first, source: names.find((n) => n !== copyInto) ?? first, copyInto };
}

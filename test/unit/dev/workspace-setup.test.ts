import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeSlackApi } from '../../../src/dev/index.js';
import { parseConfig } from '../../../src/config/load.js';
import { localWorkspaceSetup, LOCAL_DEVELOPER, tourClusters } from '../../../src/dev/workspace/setup.js';
import { workspaceState } from '../../../src/dev/workspace/state.js';

const slack = (
  extra: Partial<{ dba_users: string[]; dba_usergroup: string; approval_channel: string; alert_channel: string }> = {},
) => ({
  slack: {
    dba_users: ['U0DBA00001', 'U0DBA00002'],
    approval_channel: 'C0APPROVALS',
    alert_channel: 'C0DBALERTS',
    ...extra,
  },
});

describe('local workspace setup from dbops.yml', () => {
  it('a developer and the configured DBAs to act as; #general and the approval and alert channels', () => {
    const setup = localWorkspaceSetup(slack());
    assert.deepEqual(setup.people, [
      { id: LOCAL_DEVELOPER.id, role: 'developer' },
      { id: 'U0DBA00001', role: 'dba' },
      { id: 'U0DBA00002', role: 'dba' },
    ]);
    assert.deepEqual(setup.api.channels, [
      { id: 'C0GENERAL01', name: 'general' },
      { id: 'C0APPROVALS', name: 'dba-approvals' },
      { id: 'C0DBALERTS', name: 'dba-alerts' },
    ]);
    assert.deepEqual(
      setup.api.users?.map((u) => u.real_name),
      ['Alex Developer', 'Dana DBA', 'Sam DBA', 'Slackbot'],
    );
    assert.match(setup.purposes.C0APPROVALS, /approve or reject/);
  });

  it('a user group alone gets two stand-in DBAs in that group; one shared channel is listed once', () => {
    const setup = localWorkspaceSetup(slack({ dba_users: [], dba_usergroup: 'S0DBAS', alert_channel: 'C0APPROVALS' }));
    assert.deepEqual(setup.api.usergroups, { S0DBAS: ['U0DBA00001', 'U0DBA00002'] });
    assert.equal(setup.people.filter((p) => p.role === 'dba').length, 2);
    assert.deepEqual(
      setup.api.channels?.map((c) => c.name),
      ['general', 'dba-approvals'],
    );
  });

  it('the developer never takes the id of a configured DBA', () => {
    const setup = localWorkspaceSetup(slack({ dba_users: [LOCAL_DEVELOPER.id] }));
    assert.notEqual(setup.people[0].id, LOCAL_DEVELOPER.id);
    assert.equal(new Set(setup.people.map((p) => p.id)).size, setup.people.length);
  });

  it('the state feed shows each person their own DM, ephemeral messages and modals only', () => {
    const setup = localWorkspaceSetup(slack());
    const api = new FakeSlackApi(setup.api);
    const [dev, dba] = setup.people.map((p) => p.id);
    api.postLocalEphemeral({ channel: 'C0GENERAL01', to: dev, text: 'only for the developer' });
    api.postUserMessage({ user: dba, channel: api.dmChannel(dba), text: 'dba to bot' });
    const forDev = workspaceState({ api, people: setup.people, me: dev, version: 1, purposes: setup.purposes });
    const forDba = workspaceState({ api, people: setup.people, me: dba, version: 1, purposes: setup.purposes });
    assert.deepEqual(
      forDev.messages.map((m) => m.html),
      ['<div class="bk-text">only for the developer</div>'],
    );
    assert.deepEqual(
      forDba.messages.map((m) => m.html),
      ['<div class="bk-text">dba to bot</div>'],
    );
    assert.equal(forDev.channels.filter((c) => c.kind === 'dm').length, 1);
    assert.equal(forDev.bot.dm, api.dmChannel(dev));
    assert.deepEqual(forDba.me, {
      id: dba,
      name: 'dana.dba',
      realName: 'Dana DBA',
      role: 'dba',
      initials: 'DD',
      color: forDba.me.color,
    });
    assert.equal(
      workspaceState({ api, people: setup.people, me: 'U0NOBODY', version: 1 }).me.id,
      dev,
      'an unknown person falls back to the first',
    );
  });

  it('a long session keeps only the latest recorded calls, and every message', async () => {
    const api = new FakeSlackApi({ ...localWorkspaceSetup(slack()).api, keepCalls: 3 });
    await api.start();
    try {
      for (let i = 0; i < 5; i++) {
        await fetch(`${api.url}chat.postMessage`, {
          method: 'POST',
          headers: { authorization: 'Bearer xoxb-local', 'content-type': 'application/json' },
          body: JSON.stringify({ channel: 'C0GENERAL01', text: `m${i}` }),
        });
      }
      assert.deepEqual(
        api.calls.map((c) => c.params.text),
        ['m2', 'm3', 'm4'],
      );
      assert.equal(api.messages('C0GENERAL01').length, 5);
    } finally {
      await api.close();
    }
  });

  it("the welcome note's tour uses a cluster that needs a DBA, and migrates into one the policy allows", () => {
    const cluster = (env: string) => `{ env: ${env}, primary: { host: 127.0.0.1, port: 3306 }, user: root }`;
    const config = (clusters: string) =>
      parseConfig(`slack: { approval_channel: C0A, alert_channel: C0B }\nclusters:\n${clusters}`);
    assert.deepEqual(tourClusters(config(`  local: ${cluster('test')}\n  staging: ${cluster('staging')}\n`)), {
      approved: 'staging',
      source: 'local',
      copyInto: 'staging',
    });
    assert.deepEqual(tourClusters(config(`  prod: ${cluster('prod')}\n  test: ${cluster('test')}\n`)), {
      approved: 'prod',
      source: 'prod',
      copyInto: 'test',
    });
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { renderDoctor, roleFindings, runDoctor } from '../../../src/inventory/doctor.js';

/** A port with nothing listening: bind, note it, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  assert.ok(address && typeof address === 'object');
  return address.port;
}

const slack = 'slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }';

describe('dbops doctor', () => {
  it('reports version, role and latency of a reachable primary', async () => {
    const config = parseConfig(
      `${slack}\nclusters:\n  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }\n`,
    );
    const [check] = await runDoctor(config, {});
    assert.deepEqual(check.problems, []);
    assert.match(check.facts?.version ?? '', /MariaDB/);
    assert.equal(check.facts?.readOnly, false);
    assert.match(
      renderDoctor([check]),
      /^ok {3}local primary 127\.0\.0\.1:3306 {2}10\.\d+.*read_only=OFF, not replicating, [\d.]+ ms$/m,
    );
  });

  it('says an unreachable instance is unreachable, and a wrong password is access denied without printing it', async () => {
    const port = await closedPort();
    const config = parseConfig(`${slack}
clusters:
  gone: { env: prod, primary: { host: 127.0.0.1, port: ${port} }, user: root }
  locked: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: dbops_nobody, password_env: DOCTOR_TEST_PASSWORD }
`);
    const secret = 'hunter2-very-secret';
    const checks = await runDoctor(config, { DOCTOR_TEST_PASSWORD: secret });
    const output = renderDoctor(checks);
    assert.match(
      output,
      new RegExp(
        `FAIL gone primary 127\\.0\\.0\\.1:${port}\\n {5}problem: unreachable: connection refused at 127\\.0\\.0\\.1:${port}`,
      ),
    );
    assert.match(
      output,
      /FAIL locked primary .*\n {5}problem: access denied for user 'dbops_nobody'.*The password comes from env DOCTOR_TEST_PASSWORD/,
    );
    assert.ok(!output.includes(secret), 'the password never appears');
    assert.match(output, /2 of 2 instances have problems/);
  });

  it('flags a replica configured as primary and a writable replica', () => {
    const replicaFacts = {
      version: '10.11',
      flavor: 'mariadb' as const,
      readOnly: true,
      replicationReadable: true,
      latencyMs: 1,
      replication: {
        source: 'db1:3306',
        ioRunning: true,
        sqlRunning: true,
        lagSeconds: 0,
        lastError: '',
        lastIoError: '',
        lastSqlError: '',
        sqlDelaySeconds: 0,
      },
    };
    assert.match(
      roleFindings(replicaFacts, 'primary').problems.join('\n'),
      /configured as primary but it is a replica of db1:3306/,
    );
    assert.match(roleFindings(replicaFacts, 'primary').problems.join('\n'), /read_only=ON/);
    const writable = { ...replicaFacts, readOnly: false };
    assert.match(roleFindings(writable, 'replica').warnings.join('\n'), /replica is writable/);
    const lonely = { ...replicaFacts, replication: null };
    assert.match(roleFindings(lonely, 'replica').problems.join('\n'), /replicates from nobody/);
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe("the process's Slack client", () => {
  it('keeps retrying a failed call while the process runs, but a waiting retry never keeps a finished process alive', async () => {
    const port = await closedPort();
    // The child starts a call that cannot connect (Slack's policy retries it for about 30 minutes)
    // and has nothing else to do: it must exit on its own, as a stopped dbops must.
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `
        import { slackWebClient } from './src/wiring/services.ts';
        import { Metrics } from './src/metrics.ts';
        import { silentLogger } from './src/kernel/logger.ts';
        const client = slackWebClient('xoxb-test', 'http://127.0.0.1:${port}/api/', silentLogger(), new Metrics());
        client.chat.postMessage({ channel: 'C1', text: 'x' }).catch(() => undefined);
        setTimeout(() => console.log('first try done'), 500);
        `,
      ],
      { cwd: new URL('../../../', import.meta.url), encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.error, undefined, 'the process ended by itself (not killed after 60 s)');
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /first try done/);
  });
});

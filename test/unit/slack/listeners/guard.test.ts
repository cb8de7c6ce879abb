import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DbopsError, UsageError } from '../../../../src/kernel/errors.js';
import { createLogger } from '../../../../src/kernel/logger.js';
import { guarded, referenceFor } from '../../../../src/slack/listeners/guard.js';
import type { Message } from '../../../../src/text/blocks.js';

function harness() {
  const lines: Record<string, unknown>[] = [];
  const told: Message[] = [];
  const steps: string[] = [];
  const logger = createLogger('debug', {}, (line) => lines.push(JSON.parse(line)));
  const args = {
    ack: async () => {
      steps.push('ack');
    },
  };
  return { lines, told, steps, logger, args };
}

describe('the listener guard', () => {
  it('acks before it runs the listener', async () => {
    const h = harness();
    await guarded({ what: 'ticket button', logger: h.logger }, async () => {
      h.steps.push('run');
    })(h.args);
    assert.deepEqual(h.steps, ['ack', 'run']);
    assert.deepEqual(h.lines, [], 'nothing to log when all goes well');
  });

  it('leaves the ack to a listener that answers with it (a form with field errors)', async () => {
    const h = harness();
    await guarded({ what: 'reject form', logger: h.logger, ack: 'own' }, async () => {
      h.steps.push('run');
    })(h.args);
    assert.deepEqual(h.steps, ['run']);
  });

  it('logs an unexpected error with its context and answers with a reference led by the ticket', async () => {
    const h = harness();
    await guarded({ what: 'ticket button', logger: h.logger }, async (_args, scope) => {
      Object.assign(scope.fields, { actionId: 'approve', user: 'U1' });
      scope.ticket = 'T-42';
      scope.tell = async (message) => {
        h.told.push(message);
      };
      throw new Error('connect ECONNREFUSED; password=hunter2');
    })(h.args);
    assert.equal(h.lines.length, 1);
    const [line] = h.lines;
    assert.equal(line.level, 'error');
    assert.equal(line.msg, 'ticket button failed');
    assert.equal(line.actionId, 'approve');
    assert.equal(line.user, 'U1');
    assert.match(String(line.reference), /^T-42-[0-9a-f]{8}$/);
    assert.equal((line.err as { message: string }).message, 'connect ECONNREFUSED; password=hunter2');
    assert.equal(h.told.length, 1);
    const text = JSON.stringify(h.told[0]);
    assert.ok(text.includes(`(ref ${line.reference})`), 'the user gets the reference the log line carries');
    assert.doesNotMatch(text, /ECONNREFUSED|hunter2|at .*\.ts/, 'no error text, secret or stack to the user');
  });

  it("shows an error written for users in its own words, in the listener's way", async () => {
    const h = harness();
    await guarded({ what: 'exec form', logger: h.logger }, async (_args, scope) => {
      scope.tell = async (message) => {
        h.told.push(message);
      };
      scope.problem = (text) => ({ text: `problem: ${text}`, blocks: [] });
      throw new UsageError('There is no cluster `nope`.', 'not_found');
    })(h.args);
    assert.deepEqual(h.told, [{ text: 'problem: There is no cluster `nope`.', blocks: [] }]);
    assert.equal(h.lines[0].level, 'info');
  });

  it('treats a DbopsError coded internal as unexpected', async () => {
    const h = harness();
    await guarded({ what: 'command', logger: h.logger }, async (_args, scope) => {
      scope.tell = async (message) => {
        h.told.push(message);
      };
      throw new DbopsError('internal', 'the cluster pools are closed');
    })(h.args);
    assert.equal(h.lines[0].level, 'error');
    assert.doesNotMatch(h.told[0].text, /pools/);
    assert.match(h.told[0].text, /^Something went wrong on dbops' side \(ref [0-9a-f]{8}\)/);
  });

  it('only logs a failure before it knows whom to answer, and never throws when the answer fails', async () => {
    const h = harness();
    await guarded({ what: 'publishing the App Home', logger: h.logger }, async () => {
      throw 'a thrown string';
    })(h.args);
    assert.equal(h.lines.length, 1);
    assert.equal((h.lines[0].err as { message: string }).message, 'a thrown string');

    const again = harness();
    await guarded({ what: 'alert button', logger: again.logger }, async (_args, scope) => {
      scope.tell = async () => {
        throw new Error('channel_not_found');
      };
      throw new Error('boom');
    })(again.args);
    assert.deepEqual(
      again.lines.map((l) => l.msg),
      ['alert button failed', 'could not tell the user about a failure'],
    );
    assert.equal(again.lines[0].reference, again.lines[1].reference);
  });

  it('makes references of eight hex digits, led by the ticket when there is one', () => {
    assert.match(referenceFor(), /^[0-9a-f]{8}$/);
    assert.match(referenceFor('T-7'), /^T-7-[0-9a-f]{8}$/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TICKET_ACTIONS,
  TICKET_STATES,
  allowedActions,
  isFinal,
  nextState,
} from '../../../src/tickets/state-machine.js';

/** The whole machine, written out independently of the table in the source: `from action to`. */
const ALLOWED = `
submitted review_passed awaiting_approval
submitted review_blocked blocked
submitted auto_approve approved
submitted cancel cancelled
blocked request_exception awaiting_exception
blocked cancel cancelled
awaiting_approval add_approval awaiting_approval
awaiting_approval approve approved
awaiting_approval reject rejected
awaiting_approval expire expired
awaiting_approval cancel cancelled
awaiting_exception add_approval awaiting_exception
awaiting_exception approve approved
awaiting_exception reject rejected
awaiting_exception expire expired
awaiting_exception cancel cancelled
approved enqueue scheduled
approved start running
approved cancel cancelled
scheduled start running
scheduled fail failed
scheduled cancel cancelled
running succeed succeeded
running fail failed
running cancel cancelled
failed retry approved
`
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));

const expected = new Map(ALLOWED.map(([from, action, to]) => [`${from} ${action}`, to]));

describe('ticket state machine', () => {
  it('the expected table names only real states and actions', () => {
    for (const [from, action, to] of ALLOWED) {
      assert.ok((TICKET_STATES as readonly string[]).includes(from), from);
      assert.ok((TICKET_ACTIONS as readonly string[]).includes(action), action);
      assert.ok((TICKET_STATES as readonly string[]).includes(to), to);
    }
  });

  for (const from of TICKET_STATES) {
    for (const action of TICKET_ACTIONS) {
      const to = expected.get(`${from} ${action}`);
      if (to !== undefined) {
        it(`allows ${from} --${action}--> ${to}`, () => {
          assert.deepEqual(nextState(from, action), { ok: true, from, to, action });
        });
      } else {
        it(`forbids ${action} from ${from}, saying why`, () => {
          const result = nextState(from, action);
          assert.equal(result.ok, false);
          assert.ok(!result.ok && /^a ticket that is .+ cannot .+/.test(result.reason), JSON.stringify(result));
        });
      }
    }
  }

  it('lists the actions each state accepts', () => {
    assert.deepEqual(allowedActions('awaiting_approval'), ['add_approval', 'approve', 'reject', 'expire', 'cancel']);
    assert.deepEqual(allowedActions('running'), ['succeed', 'fail', 'cancel']);
    for (const state of ['succeeded', 'cancelled', 'rejected', 'expired'] as const) {
      assert.deepEqual(allowedActions(state), [], state);
      assert.ok(isFinal(state));
    }
    assert.equal(isFinal('failed'), false, 'a failed ticket may be retried');
  });

  it('a run ends by finishing, failing or being stopped on a Cancel (the runner records it once the run stopped)', () => {
    assert.deepEqual(nextState('running', 'cancel'), { ok: true, from: 'running', to: 'cancelled', action: 'cancel' });
    assert.equal(nextState('running', 'retry').ok, false);
  });
});

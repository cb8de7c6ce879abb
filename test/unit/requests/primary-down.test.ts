import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SwitchoverPlan } from '../../../src/ha/plan.js';
import type { Ticket } from '../../../src/tickets/ticket.js';
import { checkingReplicas, primaryDownNext } from '../../../src/requests/primary-down.js';

const plan: SwitchoverPlan = {
  mode: 'failover',
  primary: { name: '10.0.0.1:3306', site: 'dc1' },
  ranking: [],
  candidate: '10.0.0.3:3306',
  why: ['caught up', 'same site as the primary (dc1)'],
  checks: [],
};

describe('the primary-down alert texts', () => {
  it('says at once that the replicas are asked, for how long, and that the alert gets the outcome', () => {
    assert.equal(
      checkingReplicas(30),
      'Checking with its replicas before an automatic failover (up to 30 s); this alert is updated with the outcome.',
    );
  });

  it('then gives the outcome: started with its ticket, or not started, why, and the proposal', () => {
    const ticket = { ref: 'T-12' } as Ticket;
    assert.equal(
      primaryDownNext(plan, { ok: true, ticket, permalink: null }),
      'Automatic failover started (ha.auto_failover): T-12 promotes 10.0.0.3:3306 (caught up, same site as the primary (dc1)); every step is posted in its thread.',
    );
    assert.equal(
      primaryDownNext(plan, { ok: false, why: 'its replicas still replicate from it' }),
      'Automatic failover did not start: its replicas still replicate from it. Proposed new primary: 10.0.0.3:3306 (caught up, same site as the primary (dc1)).',
    );
    assert.equal(
      primaryDownNext(plan, null),
      'Proposed new primary: 10.0.0.3:3306 (caught up, same site as the primary (dc1)).',
    );
  });
});

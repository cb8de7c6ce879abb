import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { createApprovalGate, judgeSeals } from '../../../src/tickets/approval-gate.js';
import { createSealer, type Seal, type SealInput } from '../../../src/tickets/seal.js';
import type { Ticket } from '../../../src/tickets/ticket.js';
import { makeTicket } from './make-ticket.js';

const DBA = 'U0DBA00001';
const DBA2 = 'U0DBA00002';
const DEV = 'U0DEV00001';
const sealer = createSealer(randomBytes(32), 'k0installa');
const dbas = new Set([DBA, DBA2, DEV]);
const at = new Date('2026-11-24T02:00:00Z');
const approval = (signer: string, extra: Partial<SealInput> = {}): SealInput => ({
  signer,
  decision: 'approve',
  exception: false,
  at,
  ...extra,
});
const automatic: SealInput = { signer: 'dbops', decision: 'auto_approve', exception: false, at };

function judge(ticket: Ticket, decisions: Array<SealInput | Seal>, required: number) {
  const seals = decisions.map((d) => ('mac' in d ? d : sealer.seal(ticket, d)));
  return judgeSeals(ticket, seals, { sealer, dbas, required });
}

describe('the approval gate: only sealed decisions of DBAs count', () => {
  const ticket = makeTicket({ state: 'approved', requester: DEV });
  const cases: Array<[string, Array<SealInput | Seal>, number, boolean]> = [
    ['one sealed DBA approval where one is needed', [approval(DBA)], 1, true],
    ['no seal at all (a row set to approved by hand)', [], 1, false],
    ['no seal where none is needed: dbops did not approve it either', [], 0, false],
    ['dbops’ sealed automatic approval where none is needed', [automatic], 0, true],
    ['dbops’ automatic approval where a DBA is needed', [automatic], 1, false],
    ['a DBA’s approval where none is needed', [approval(DBA)], 0, true],
    ['the requester’s own approval, though they are in the DBA list', [approval(DEV)], 1, false],
    ['an approval by someone not (or no longer) a DBA', [approval('U0NOTADBA1')], 1, false],
    ['an automatic approval claimed by a person', [{ ...automatic, signer: DBA }], 0, false],
    ['two DBAs where two are needed', [approval(DBA), approval(DBA2)], 2, true],
    ['the same DBA twice where two are needed', [approval(DBA), approval(DBA)], 2, false],
    ['a forged mac', [{ ...sealer.seal(ticket, approval(DBA)), mac: '00'.repeat(32) }], 1, false],
  ];
  for (const [what, decisions, required, ok] of cases)
    it(`${ok ? 'runs' : 'refuses'}: ${what}`, () => assert.equal(judge(ticket, decisions, required).ok, ok));

  it('an exception runs only when a DBA sealed it as one', () => {
    const exception = makeTicket({ state: 'approved', exception: true });
    assert.equal(judge(exception, [approval(DBA)], 1).ok, false);
    assert.equal(judge(exception, [approval(DBA, { exception: true })], 1).ok, true);
  });

  it('a refusal says what the thread, the alert and the log need', () => {
    const verdict = judge(ticket, [{ ...sealer.seal(ticket, approval(DBA)), mac: '00'.repeat(32) }], 1);
    assert.ok(!verdict.ok);
    assert.equal(
      verdict.message,
      'T-42 says approved but carries no valid DBA approval: not run (it needs 1 sealed DBA approval and has none).',
    );
    assert.deepEqual(verdict.problems, [
      `the seal of ${DBA}'s approve does not verify (forged, or the ticket changed after it)`,
    ]);
  });

  it('reads the seals, the DBAs and the config as they are now', async () => {
    const prod = makeTicket({ state: 'approved', approvalsNeeded: 0 });
    const gate = createApprovalGate({
      store: { seals: async () => [sealer.seal(prod, automatic)] },
      sealer,
      dbas: { members: async () => dbas },
      config: parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS }
clusters: { prod: { env: prod, primary: { host: db1 }, user: dbops } }
policy: { approvals: { prod: 1 } }
`),
    });
    const verdict = await gate.check(prod);
    assert.ok(!verdict.ok, 'a prod ticket whose row asks for no approval still needs a DBA');
  });
});

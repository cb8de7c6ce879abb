import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, createSealer, type SealInput } from '../../../src/tickets/seal.js';
import type { Ticket } from '../../../src/tickets/ticket.js';
import { makeTicket } from './make-ticket.js';

const key = randomBytes(32);
const sealer = createSealer(key, 'k0installa');
const decision: SealInput = {
  signer: 'U0DBA00001',
  decision: 'approve',
  exception: false,
  at: new Date('2026-11-24T02:03:04.567Z'),
};

describe('approval seals', () => {
  it('a seal verifies for the decision and the ticket it was made for', () => {
    const ticket = makeTicket();
    const seal = sealer.seal(ticket, decision);
    assert.match(seal.mac, /^[0-9a-f]{64}$/);
    assert.equal(seal.ticketId, ticket.id);
    assert.ok(sealer.verify(ticket, seal));
    assert.ok(
      createSealer(Buffer.from(key), 'k0installa').verify(ticket, seal),
      'another process with the same key agrees',
    );
  });

  const changes: Array<[string, Partial<Ticket>]> = [
    ['another ticket', { id: 43 }],
    ['another requester', { requester: 'U0DEV00009' }],
    ['another cluster', { cluster: 'test' }],
    ['another schema', { schema: 'billing' }],
    ['another row estimate', { estimatedRows: 1_000_000 }],
    ['other SQL', { payload: { sql: 'UPDATE orders SET status = 1' } } as Partial<Ticket>],
  ];
  for (const [what, change] of changes)
    it(`does not verify for ${what}`, () => {
      const seal = sealer.seal(makeTicket(), decision);
      assert.equal(sealer.verify(makeTicket(change), seal), false);
    });

  const altered: Array<[string, Partial<SealInput> & { mac?: string; ticketId?: number }]> = [
    ['another signer', { signer: 'U0DBA00002' }],
    ['another decision', { decision: 'auto_approve' }],
    ['an exception added', { exception: true }],
    ['another time', { at: new Date('2026-11-24T02:03:04.568Z') }],
    ['a made-up mac', { mac: 'ab'.repeat(32) }],
    ['a mac that is not hex', { mac: 'not a mac' }],
    ['a seal moved to another ticket', { ticketId: 43 }],
  ];
  for (const [what, change] of altered)
    it(`does not verify with ${what}`, () => {
      const seal = sealer.seal(makeTicket(), decision);
      assert.equal(sealer.verify(makeTicket(), { ...seal, ...change }), false);
    });

  it('a seal made with another key, or for another installation sharing the key, does not verify', () => {
    assert.equal(
      sealer.verify(makeTicket(), createSealer(randomBytes(32), 'k0installa').seal(makeTicket(), decision)),
      false,
    );
    assert.equal(sealer.verify(makeTicket(), createSealer(key, 'k1other000').seal(makeTicket(), decision)), false);
  });

  it('the payload is hashed as canonical JSON: the key order the database returns does not matter', () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: null }], e: undefined }), '{"a":[{"c":null,"d":2}],"b":1}');
    const payload = { source: { schema: 's', cluster: 'c' }, destination: { cluster: 'd', schema: 's' } };
    const reordered = { destination: { schema: 's', cluster: 'd' }, source: { cluster: 'c', schema: 's' } };
    const seal = sealer.seal(makeTicket({ payload } as Partial<Ticket>), decision);
    assert.ok(sealer.verify(makeTicket({ payload: reordered } as Partial<Ticket>), seal));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { holdFor } from '../../../src/queue/windows.js';

const shanghai = { timezone: 'Asia/Shanghai', peak_hours: ['09:00-12:00', '14:00-18:00'] };
/** UTC instants for local Shanghai times on 2026-11-24. */
const at = (hhmm: string) => new Date(`2026-11-24T${hhmm}:00+08:00`);

describe('when a ticket job must wait', () => {
  const cases: Array<[string, { runAt: Date | null; now: Date }, ReturnType<typeof holdFor>]> = [
    ['due now, outside peak hours: go', { runAt: null, now: at('08:30') }, null],
    [
      'due now, inside peak hours: wait for the window to end',
      { runAt: null, now: at('10:30') },
      { reason: 'peak', until: at('12:00'), window: '09:00-12:00' },
    ],
    [
      'due in the second window',
      { runAt: null, now: at('17:59') },
      { reason: 'peak', until: at('18:00'), window: '14:00-18:00' },
    ],
    [
      'scheduled for later: wait for its time',
      { runAt: at('20:00'), now: at('19:00') },
      { reason: 'scheduled', until: at('20:00') },
    ],
    [
      'scheduled time reached (a little early is on time)',
      { runAt: at('20:00'), now: new Date(at('20:00').getTime() - 500) },
      null,
    ],
    [
      'scheduled time passed during peak hours: wait for the window',
      { runAt: at('08:00'), now: at('09:30') },
      { reason: 'peak', until: at('12:00'), window: '09:00-12:00' },
    ],
  ];
  for (const [name, input, expected] of cases)
    it(name, () => assert.deepEqual(holdFor({ runAt: input.runAt }, shanghai, input.now), expected));

  it('a cluster without peak hours never holds a due job', () => {
    assert.equal(holdFor({ runAt: null }, { timezone: 'UTC', peak_hours: [] }, at('10:30')), null);
  });
});

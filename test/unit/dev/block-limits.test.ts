import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCK_KIT_LIMITS, blockLimitProblems, viewLimitProblems } from '../../../src/dev/block-limits.js';

const text = (n: number) => 'x'.repeat(n);
const section = (n: number) => ({ type: 'section', text: { type: 'mrkdwn', text: text(n) } });
const button = (label: number, confirmText?: number) => ({
  type: 'button',
  action_id: 'a',
  text: { type: 'plain_text', text: text(label) },
  ...(confirmText !== undefined && {
    confirm: {
      title: { type: 'plain_text', text: 'Sure?' },
      text: { type: 'mrkdwn', text: text(confirmText) },
      confirm: { type: 'plain_text', text: 'Yes' },
      deny: { type: 'plain_text', text: 'No' },
    },
  }),
});

describe('Block Kit limits the local Slack API enforces', () => {
  const cases: Array<{ name: string; blocks: unknown[]; surface: 'message' | 'modal'; problem?: RegExp }> = [
    { name: '50 blocks in a message', blocks: Array.from({ length: 50 }, () => section(1)), surface: 'message' },
    {
      name: '51 blocks in a message',
      blocks: Array.from({ length: 51 }, () => section(1)),
      surface: 'message',
      problem: /51 blocks, at most 50/,
    },
    { name: '100 blocks in a modal', blocks: Array.from({ length: 100 }, () => section(1)), surface: 'modal' },
    {
      name: '101 blocks in a modal',
      blocks: Array.from({ length: 101 }, () => section(1)),
      surface: 'modal',
      problem: /at most 100/,
    },
    { name: 'section text of 3000', blocks: [section(3000)], surface: 'message' },
    { name: 'section text of 3001', blocks: [section(3001)], surface: 'message', problem: /blocks\[0\]\.text: 3001/ },
    {
      name: 'header of 151',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: text(151) } }],
      surface: 'message',
      problem: /at most 150/,
    },
    { name: 'button text of 75', blocks: [{ type: 'actions', elements: [button(75)] }], surface: 'message' },
    {
      name: 'button text of 76 in an actions block',
      blocks: [{ type: 'actions', elements: [button(76)] }],
      surface: 'message',
      problem: /blocks\[0\]\.elements\[0\]\.text: 76 characters, at most 75/,
    },
    {
      name: 'button in a section accessory with a confirm text of 301',
      blocks: [{ ...section(10), accessory: button(5, 301) }],
      surface: 'message',
      problem: /accessory\.confirm\.text: 301 characters, at most 300/,
    },
    { name: 'confirm text of 300', blocks: [{ ...section(10), accessory: button(5, 300) }], surface: 'message' },
  ];
  for (const c of cases) {
    it(`${c.problem ? 'refuses' : 'accepts'} ${c.name}`, () => {
      const problems = blockLimitProblems(c.blocks, c.surface);
      if (c.problem) assert.match(problems.join('\n'), c.problem);
      else assert.deepEqual(problems, []);
    });
  }

  it('checks a modal title of at most 24 characters, and not the title of a Home tab', () => {
    const title = (n: number) => ({ type: 'plain_text', text: text(n) });
    assert.deepEqual(viewLimitProblems({ type: 'modal', title: title(24), blocks: [] }), []);
    assert.match(viewLimitProblems({ type: 'modal', title: title(25), blocks: [] }).join(), /title: 25 characters/);
    assert.equal(BLOCK_KIT_LIMITS.modalTitle, 24);
    assert.deepEqual(viewLimitProblems({ type: 'home', blocks: Array.from({ length: 100 }, () => section(1)) }), []);
  });
});

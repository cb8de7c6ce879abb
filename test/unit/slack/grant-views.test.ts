import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Button } from '@slack/types';
import type { Grant } from '../../../src/accounts/grant-store.js';
import { ids } from '../../../src/slack/ids.js';
import { grantActions } from '../../../src/slack/views/grants.js';

const AT = new Date('2026-11-24T02:00:00.000Z');
const grant: Grant = {
  id: 7,
  ref: 'G-7',
  ticketId: 42,
  requester: 'U0DEV00001',
  state: 'active',
  cluster: 'prod',
  schema: 'shop',
  table: null,
  privileges: ['SELECT'],
  account: { user: 'dev_one', host: '%' },
  personal: true,
  duration_seconds: 8 * 3600,
  reason: null,
  accountExisted: false,
  passwordState: 'none',
  grantedAt: AT,
  expiresAt: new Date(AT.getTime() + 8 * 3600_000),
  remindAt: null,
  remindedAt: null,
  revokedAt: null,
  revokedBy: null,
  accountDropped: false,
  createdAt: AT,
};

describe('grant buttons', () => {
  it('Revoke asks first and says what the account loses; Extend… does not ask', () => {
    const [extend, revoke] = grantActions(grant, ['extend', 'revoke']).elements as Button[];
    assert.equal(revoke.action_id, ids.grantActions.revoke);
    assert.equal(revoke.confirm?.title?.text, 'Revoke G-7?');
    assert.match(revoke.confirm?.text.text ?? '', /^'dev_one'@'%' loses SELECT on prod\.shop\.\* now/);
    assert.equal(revoke.confirm?.style, 'danger');
    assert.equal(extend.confirm, undefined);
  });
});

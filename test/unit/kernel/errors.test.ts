import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  DbopsError,
  firstLineOf,
  internalErrorText,
  messageOf,
  toError,
  USER_MESSAGES,
  UsageError,
  userFacing,
} from '../../../src/kernel/errors.js';

describe('kernel errors', () => {
  it('turns anything thrown into an Error, keeping an Error as it is', () => {
    const err = new RangeError('out of range');
    assert.equal(toError(err), err);
    for (const [thrown, message] of [
      ['a string', 'a string'],
      [42, '42'],
      [undefined, 'undefined'],
      [{ code: 'X' }, '[object Object]'],
    ] as const) {
      const converted = toError(thrown);
      assert.ok(converted instanceof Error);
      assert.equal(converted.message, message);
    }
  });

  it('reads the message, or its first line, of anything thrown', () => {
    const err = new Error("You have an error in your SQL syntax\nnear 'FROM' at line 1");
    assert.equal(messageOf(err), "You have an error in your SQL syntax\nnear 'FROM' at line 1");
    assert.equal(firstLineOf(err), 'You have an error in your SQL syntax');
    assert.equal(messageOf('plain'), 'plain');
    assert.equal(firstLineOf('two\nlines'), 'two\nlines', 'a thrown string is shown as it is');
  });

  it('shows users a DbopsError in its own words, its code when it has none, and nothing internal', () => {
    assert.deepEqual(userFacing(new UsageError('Type a ticket id, e.g. T-42.')), {
      code: 'usage',
      message: 'Type a ticket id, e.g. T-42.',
    });
    assert.deepEqual(userFacing(new UsageError('There is no ticket T-9.', 'not_found')), {
      code: 'not_found',
      message: 'There is no ticket T-9.',
    });
    assert.deepEqual(userFacing(new DbopsError('unavailable', '')), {
      code: 'unavailable',
      message: USER_MESSAGES.unavailable,
    });
    assert.equal(userFacing(new DbopsError('internal', 'the cluster pools are closed')), null);
    assert.equal(userFacing(new Error('password=hunter2')), null);
    assert.equal(userFacing('boom'), null);
  });

  it('keeps the codes callers rely on', () => {
    assert.equal(new UsageError('x').code, 'usage');
    assert.equal(new UsageError('x', 'not_found').code, 'not_found');
    const config = new ConfigError(['clusters.prod: required'], 'dbops.yml');
    assert.equal(config.code, 'config');
    assert.equal(config.message, 'dbops.yml is not valid:\n  - clusters.prod: required');
    for (const message of Object.values(USER_MESSAGES)) assert.match(message, /\.$/, 'a sentence each');
  });

  it('answers an internal error with a reference only', () => {
    assert.equal(
      internalErrorText('1f0c3a9b'),
      "Something went wrong on dbops' side (ref 1f0c3a9b). It has been logged; try again, or give a DBA the reference.",
    );
  });
});

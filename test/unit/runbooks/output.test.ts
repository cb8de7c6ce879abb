import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readProgressLine } from '../../../src/runbooks/progress-line.js';
import { MASK, secretScrubber } from '../../../src/runbooks/scrub.js';
import { formatDuration, parseDuration } from '../../../src/text/duration.js';

describe('runbook output', () => {
  it('masks every secret, longest first, and leaves other text alone', () => {
    const scrub = secretScrubber(['s3cret', 's3cret-and-more', '', undefined, 'a.b*c']);
    assert.equal(scrub('pw=s3cret-and-more; again s3cret'), `pw=${MASK}; again ${MASK}`);
    assert.equal(scrub('regex chars a.b*c but not axbbc'), `regex chars ${MASK} but not axbbc`);
    assert.equal(secretScrubber([])('nothing to hide'), 'nothing to hide');
  });

  it('reads progress lines and nothing else', () => {
    assert.deepEqual(readProgressLine('{"progress":0.4,"message":"4 of 10"}'), { fraction: 0.4, message: '4 of 10' });
    assert.deepEqual(readProgressLine(' {"progress":1} '), { fraction: 1, message: '' });
    for (const line of ['{"progress":1.5}', '{"progress":"half"}', 'progress 0.4', '{"progress":0.4', '{"other":1}'])
      assert.equal(readProgressLine(line), null, line);
  });

  it('reads and writes durations', () => {
    const cases: Array<[string, number | null]> = [
      ['90', 90],
      ['30s', 30],
      ['10m', 600],
      ['1h30m', 5400],
      ['2d', 172_800],
      ['1w', 604_800],
      [' 5M ', 300],
      ['soon', null],
      ['1.5h', null],
      ['-1s', null],
      ['', null],
    ];
    for (const [text, seconds] of cases) assert.equal(parseDuration(text), seconds, text);
    assert.deepEqual([5400, 45, 0, 86_400].map(formatDuration), ['1h30m', '45s', '0s', '1d']);
  });
});

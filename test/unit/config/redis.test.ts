import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from '../../../src/config/load.js';
import { describeRedis, redisOptions, type RedisEnv } from '../../../src/config/redis.js';

describe('REDIS_URL and Sentinel settings → ioredis options', () => {
  const cases: { env: RedisEnv; want: object }[] = [
    { env: { REDIS_URL: 'redis://127.0.0.1:6379' }, want: { host: '127.0.0.1', port: 6379 } },
    { env: { REDIS_URL: 'redis://cache' }, want: { host: 'cache', port: 6379 } },
    {
      env: { REDIS_URL: 'redis://dbops:p%40ss@cache:6380/2' },
      want: { host: 'cache', port: 6380, username: 'dbops', password: 'p@ss', db: 2 },
    },
    { env: { REDIS_URL: 'redis://:secret@[::1]:6379' }, want: { host: '::1', port: 6379, password: 'secret' } },
    {
      env: { REDIS_URL: 'rediss://:secret@redis.internal:6380' },
      want: { host: 'redis.internal', port: 6380, password: 'secret', tls: { servername: 'redis.internal' } },
    },
    {
      env: { REDIS_URL: 'redis+sentinel://:secret@s1:26379,s2,[fd00::3]:26380/mymaster/1' },
      want: {
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
          { host: 'fd00::3', port: 26380 },
        ],
        name: 'mymaster',
        password: 'secret',
        db: 1,
      },
    },
    {
      env: { REDIS_URL: 'rediss+sentinel://s1:26379/mymaster', REDIS_SENTINEL_PASSWORD: 'sp' },
      want: {
        sentinels: [{ host: 's1', port: 26379 }],
        name: 'mymaster',
        sentinelPassword: 'sp',
        tls: {},
        sentinelTLS: {},
        enableTLSForSentinelMode: true,
      },
    },
    {
      env: {
        REDIS_URL: 'redis://:secret@ignored:1/3',
        REDIS_SENTINELS: 's1:26379, s2:26379',
        REDIS_SENTINEL_NAME: 'm',
      },
      want: {
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'm',
        password: 'secret',
        db: 3,
      },
    },
  ];
  for (const { env, want } of cases) {
    it(`${env.REDIS_URL}${env.REDIS_SENTINELS ? ` + REDIS_SENTINELS=${env.REDIS_SENTINELS}` : ''}`, () => {
      assert.deepEqual(redisOptions(env), want);
    });
  }

  const bad: { env: RedisEnv; error: RegExp }[] = [
    { env: { REDIS_URL: 'localhost:6379' }, error: /unknown scheme 'localhost:'/ },
    { env: { REDIS_URL: 'not a url' }, error: /REDIS_URL is not a URL: expected redis:\/\/host:6379/ },
    { env: { REDIS_URL: 'http://cache:6379' }, error: /unknown scheme 'http:'/ },
    { env: { REDIS_URL: 'redis://cache/zero' }, error: /the database must be a number \(got 'zero'\)/ },
    { env: { REDIS_URL: 'redis+sentinel://s1:26379' }, error: /names the master after the hosts/ },
    { env: { REDIS_URL: 'redis+sentinel://s1:99999/m' }, error: /port 99999 is out of range/ },
    { env: { REDIS_URL: 'redis://x', REDIS_SENTINELS: 's1:26379' }, error: /REDIS_SENTINEL_NAME must name the master/ },
    {
      env: { REDIS_URL: 'redis://x', REDIS_SENTINEL_NAME: 'm' },
      error: /REDIS_SENTINEL_NAME is set without REDIS_SENTINELS/,
    },
    {
      env: { REDIS_URL: 'redis+sentinel://s1/m', REDIS_SENTINELS: 's2', REDIS_SENTINEL_NAME: 'm' },
      error: /use one of the two/,
    },
  ];
  for (const { env, error } of bad) {
    it(`refuses ${env.REDIS_URL}${env.REDIS_SENTINELS ? ` + ${env.REDIS_SENTINELS}` : ''}${env.REDIS_SENTINEL_NAME ? ` + name ${env.REDIS_SENTINEL_NAME}` : ''}`, () => {
      assert.throws(() => redisOptions(env), error);
    });
  }

  it('a bad REDIS_URL stops the boot with its reason and never echoes the password', () => {
    assert.throws(
      () => parseEnv({ REDIS_URL: 'redis://:hunter2@cache/db' }),
      (err: Error & { problems?: string[] }) => {
        const text = `${err.message}\n${(err.problems ?? []).join('\n')}`;
        assert.match(text, /REDIS_URL: the database must be a number \(got 'db'\)/);
        assert.ok(!text.includes('hunter2'), text);
        return true;
      },
    );
  });

  it('logs say where Redis is without credentials', () => {
    assert.equal(describeRedis(redisOptions({ REDIS_URL: 'rediss://:pw@cache:6380' })), 'cache:6380 (TLS)');
    assert.equal(
      describeRedis(redisOptions({ REDIS_URL: 'redis+sentinel://:pw@s1,s2:26380/mymaster' })),
      'sentinel s1:26379,s2:26380 master mymaster',
    );
  });
});

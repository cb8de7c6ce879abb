import type { KnownBlock, View } from '@slack/types';
import { ids } from '../ids.js';
import { privateNote } from './ticket-replies.js';
import type { BackupOverview } from '../../backup/bot.js';
import type { BackupSet } from '../../backup/store.js';
import type { BackupGlance } from './home.js';
import { formatBytes, formatElapsed, plural } from '../../kernel/format.js';
import { code, context, escapeMrkdwn, header, type Message, section, truncate } from '../../text/blocks.js';

/** `2026-12-02 17:04 UTC`. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const VERIFIED: Record<BackupSet['verifyState'], string> = {
  none: 'not verified',
  running: 'verifying…',
  passed: '✅ verified',
  failed: '⚠️ restore check failed',
};

/** One line about a set: ref, cluster, time, size, duration, verified or not (or why it failed). */
export function setLine(set: BackupSet): string {
  const when = utc(set.startedAt);
  const took = set.finishedAt ? ` · ${formatElapsed(set.finishedAt.getTime() - set.startedAt.getTime())}` : '';
  const head = `*${set.ref}* · ${code(set.cluster)} · ${when}${took}`;
  switch (set.state) {
    case 'running':
      return `${head} · ⏳ running (${escapeMrkdwn(set.tool)})`;
    case 'failed':
      return `${head} · ❌ failed: ${escapeMrkdwn(truncate(set.error ?? 'no reason recorded', 200))}`;
    case 'removed':
      return `${head} · ${formatBytes(set.bytes ?? 0)} · removed (retention)`;
    case 'good':
      return `${head} · ${formatBytes(set.bytes ?? 0)} · ${set.tables ?? 0} tables, ${(set.rows ?? 0).toLocaleString('en-US')} rows · ${VERIFIED[set.verifyState]}`;
  }
}

/** `97 % (29/30)` or `no runs`. */
export function rateText(rate: { runs: number; good: number } | undefined): string {
  if (!rate || rate.runs === 0) return 'no runs in 30 days';
  return `${Math.round((rate.good / rate.runs) * 100)} % good (${rate.good}/${rate.runs} runs in 30 days)`;
}

/** `/dbops backups [cluster]`: each backed-up cluster with its schedule and 30-day success rate, then the newest sets. */
/** `/dbops restore` without arguments where no form can open: the syntax, then the newest sets. */
export function restoreChoicesMessage(overview: BackupOverview): Message {
  const list = backupListMessage(overview, null);
  return {
    text: list.text,
    blocks: [
      ...(privateNote(
        'Which set, and where to? `/dbops restore B-12 [schema[,schema]] to cluster[.schema]`',
        ':information_source:',
      ).blocks ?? []),
      ...(list.blocks ?? []),
    ],
  };
}

export function backupListMessage(overview: BackupOverview, cluster: string | null): Message {
  const title = cluster ? `Backups of ${cluster}` : 'Backups';
  const clusters = overview.scheduled.map(
    (c) =>
      `• ${code(c.cluster)}: ${c.schedule ? `schedule ${code(c.schedule)}` : 'no schedule (manual only)'}, keeps ${c.keep}${c.verifyOn ? `, verified on ${code(c.verifyOn)}` : ''} · ${rateText(overview.rates.get(c.cluster))}`,
  );
  const blocks: KnownBlock[] = [header(title)];
  if (clusters.length > 0) blocks.push(section(truncate(clusters.join('\n'), 2900)));
  blocks.push(
    section(
      overview.sets.length > 0
        ? truncate(overview.sets.map(setLine).join('\n'), 2900)
        : '_No backup sets yet._ A DBA takes one with `/dbops backup <cluster>`.',
    ),
    context(
      'Restore one with `/dbops restore B-12 [schema] to cluster[.schema]` (a ticket, approved like any change).',
    ),
  );
  return { text: `${title}: ${plural(overview.sets.length, 'set')}`, blocks };
}

/** App Home, DBAs: each backed-up cluster's newest set and its 30-day success rate. */
export function backupGlances(overview: BackupOverview): BackupGlance[] {
  return overview.scheduled.map((c) => {
    const newest = overview.sets.find((s) => s.cluster === c.cluster);
    return {
      cluster: c.cluster,
      ok: newest?.state === 'good' || newest?.state === 'running',
      text: `${newest ? setLine(newest) : '_no set yet_'} · ${rateText(overview.rates.get(c.cluster))}`,
    };
  });
}

/** The DM a DBA gets when the backup they asked for ends. */
export function backupDoneDm(text: string): Message {
  return { text, blocks: [section(escapeMrkdwn(text))] };
}

/** The private answer to `/dbops backup cluster`. */
export function backupQueuedNote(cluster: string): Message {
  const text = `A backup of ${cluster} is queued. You get a DM when it is written (and verified, where the cluster's \`verify_on\` says).`;
  return {
    text,
    blocks: [
      section(
        `A backup of ${code(cluster)} is queued. You get a DM when it is written (and verified, where the cluster's \`verify_on\` says).`,
      ),
    ],
  };
}

/** `/dbops restore` without arguments: one line, as typed after the verb, with the newest good sets as a hint. */
export function restoreModalView(sets: readonly BackupSet[], metadata = ''): View {
  const form = ids.restoreModal;
  const good = sets.filter((s) => s.state === 'good').slice(0, 5);
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: metadata,
    title: { type: 'plain_text', text: 'Restore a backup' },
    submit: { type: 'plain_text', text: 'Ask' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: form.block,
        label: { type: 'plain_text', text: 'Set, schemas and where to' },
        hint: {
          type: 'plain_text',
          text: 'B-12 [schema[,schema]] to cluster[.schema] — a ticket, approved like any change',
        },
        element: {
          type: 'plain_text_input',
          action_id: form.input,
          placeholder: { type: 'plain_text', text: 'B-12 shop to staging.shop_restored' },
        },
      },
      context(good.length > 0 ? truncate(good.map(setLine).join('\n'), 2900) : '_No good backup set yet._'),
    ],
  };
}

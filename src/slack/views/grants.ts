import type { ActionsBlock, Button, KnownBlock, View } from '@slack/types';
import { accountSql } from '../../accounts/account.js';
import type { RevokeOutcome } from '../../accounts/engine.js';
import type { AccountReport } from '../../accounts/inspect.js';
import type { Grant } from '../../accounts/grant-store.js';
import type { Reveal } from '../../accounts/password-store.js';
import { privilegesLabel, scopeLabel } from '../../accounts/spec.js';
import { formatDuration } from '../../text/duration.js';
import { ids } from '../ids.js';
import { confirmDialog } from './confirm.js';
import {
  code,
  codeBlock,
  context,
  divider,
  escapeMrkdwn,
  header,
  type Message,
  section,
  truncate,
} from '../../text/blocks.js';

/** `2026-12-02 17:04 UTC`. */
export function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One line about a grant: ref, account, privileges, scope, until when. */
export function grantLine(grant: Grant): string {
  const until = grant.expiresAt ? `until ${utcText(grant.expiresAt)}` : 'no expiry';
  return `*${grant.ref}* · ${code(accountSql(grant.account))} · ${escapeMrkdwn(privilegesLabel(grant.privileges))} on ${code(scopeLabel(grant))} · ${until}`;
}

type GrantButton = 'showPassword' | 'revoke' | 'extend' | 'requestReset';
const BUTTON_TEXT: Record<GrantButton, string> = {
  showPassword: 'Show password',
  revoke: 'Revoke',
  extend: 'Extend…',
  requestReset: 'Request a new password',
};

export function grantActions(grant: Grant, buttons: readonly GrantButton[]): ActionsBlock {
  return {
    type: 'actions',
    block_id: `${ids.grantActions.blockPrefix}${grant.id}`,
    elements: buttons.map((b): Button => {
      const button: Button = {
        type: 'button',
        action_id: ids.grantActions[b],
        text: { type: 'plain_text', text: BUTTON_TEXT[b] },
        value: grant.ref,
      };
      if (b === 'showPassword') button.style = 'primary';
      if (b === 'revoke') {
        button.style = 'danger';
        button.confirm = confirmDialog({
          title: `Revoke ${grant.ref}?`,
          text: `${accountSql(grant.account)} loses ${privilegesLabel(grant.privileges)} on ${scopeLabel(grant)} now; sessions using it may fail. To get it back, ask again.`,
          confirm: 'Revoke',
          deny: 'Keep it',
          danger: true,
        });
      }
      return button;
    }),
  };
}

/** The owner's DM once a grant is in place: what they got, and (for a new account) the Show password button. */
export function grantReadyDm(grant: Grant, createdAccount: boolean, ticketRef: string | null): Message {
  const what = `${grant.ref}${ticketRef ? ` (${ticketRef})` : ''}: ${code(accountSql(grant.account))} has ${escapeMrkdwn(privilegesLabel(grant.privileges))} on ${code(scopeLabel(grant))}`;
  const until = grant.expiresAt
    ? `It ends ${utcText(grant.expiresAt)}; you will be reminded before.`
    : 'It has no expiry.';
  const password = createdAccount
    ? 'dbops created the account with a random password. *Show password* shows it once, in a window only you see; it is deleted after that, or after 24 hours if nobody opens it.'
    : 'The account existed already: its password is unchanged.';
  const buttons: GrantButton[] = createdAccount ? ['showPassword', 'revoke'] : ['revoke'];
  return {
    text: `${grant.ref}: your grant is in place`,
    blocks: [section(`:key: ${what}.\n${until}`), section(password), grantActions(grant, buttons)],
  };
}

/** What the owner sees once: the password and a `mysql` command line without it. */
export function passwordModal(grant: Grant, password: string, host: string, port: number): View {
  const schema = grant.schema ? ` ${grant.schema}` : '';
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(`${grant.ref} password`, 24) },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      section(`The password of ${code(accountSql(grant.account))} — copy it now, it is shown only this once:`),
      section(codeBlock(password)),
      section(
        `Connect with (it asks for the password):\n${codeBlock(`mysql -h ${host} -P ${port} -u ${grant.account.user} -p${schema}`)}`,
      ),
      context('dbops has deleted its copy. Lost it? Ask for a new password from the grant’s message.'),
    ],
  };
}

const GONE: Record<Exclude<Reveal, { ok: true }>['reason'], string> = {
  shown: 'This password was already shown once, and dbops kept no copy.',
  expired: 'This password was not opened within 24 hours, so dbops deleted it.',
  none: 'dbops keeps no password for this grant (the account existed before, or the grant ended).',
  'not-owner': 'Only the person who asked for this grant can see its password.',
  'not-active': 'This grant is not active, so its password is not shown.',
};

/** The answer to a second click (or any click that cannot show the password), with a reset offer where it helps. */
export function passwordGoneModal(grant: Grant, reason: Exclude<Reveal, { ok: true }>['reason']): View {
  const offer = reason === 'shown' || reason === 'expired';
  const blocks: KnownBlock[] = [section(GONE[reason])];
  if (offer)
    blocks.push(
      section(
        `For a new password: ${code(`/dbops revoke ${grant.ref}`)} and ask again (a personal account left with nothing is dropped, so it comes back with a new password), or ask a DBA to reset it.`,
      ),
    );
  return {
    type: 'modal',
    title: { type: 'plain_text', text: truncate(`${grant.ref} password`, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks,
  };
}

/** The reminder DM before a grant ends. */
export function endsSoonDm(grant: Grant): Message {
  const when = grant.expiresAt ? utcText(grant.expiresAt) : 'soon';
  return {
    text: `${grant.ref} ends ${when}`,
    blocks: [
      section(
        `:hourglass_flowing_sand: ${grantLine(grant)}\nIt will be revoked at ${when}. *Extend…* asks for it again (approved like the first time).`,
      ),
      grantActions(grant, ['extend', 'revoke']),
    ],
  };
}

/** What a revoke did, for the grant's thread and its owner. */
export function revokedMessage(grant: Grant, outcome: RevokeOutcome, by: string): Message {
  const who = by === 'dbops' ? 'at its expiry' : `by <@${by}>`;
  const done = outcome.done.map((d) => `• ${escapeMrkdwn(d)}`).join('\n');
  return {
    text: `${grant.ref} was revoked ${by === 'dbops' ? 'at its expiry' : ''}`.trim(),
    blocks: [section(`:lock: *${grant.ref}* was revoked ${who}.${done ? `\n${done}` : ''}`)],
  };
}

/** `/dbops grants [cluster] [mine]`. */
export function grantListMessage(
  grants: readonly Grant[],
  title: string,
  viewer: { user: string; dba: boolean },
  approvers: ReadonlyMap<number, string[]>,
): Message {
  const blocks: KnownBlock[] = [header(title)];
  if (grants.length === 0) {
    const empty = 'No active grants. `/dbops grant cluster.schema SELECT for 8h` asks for one.';
    return { text: empty, blocks: [...blocks, section(empty)] };
  }
  for (const grant of grants.slice(0, 20)) {
    const approved = approvers.get(grant.id);
    const by =
      approved && approved.length > 0
        ? ` · approved by ${approved.map((a) => (a === 'dbops' ? 'dbops (no approval needed)' : `<@${a}>`)).join(', ')}`
        : '';
    blocks.push(section(`${grantLine(grant)}\nfor <@${grant.requester}>${by}`));
    if (viewer.dba || viewer.user === grant.requester) blocks.push(grantActions(grant, ['revoke']));
  }
  if (grants.length > 20)
    blocks.push(context(`${grants.length - 20} more not shown: name a cluster to narrow the list.`));
  return { text: `${title}: ${grants.length}`, blocks: blocks.slice(0, 50) };
}

/** `/dbops accounts cluster` (DBAs): every account with its privileges and risks. */
export function accountsMessage(cluster: string, reports: readonly AccountReport[]): Message {
  const risky = reports.filter((r) => r.risks.length > 0);
  const blocks: KnownBlock[] = [
    header(`Accounts on ${cluster}`),
    context(`${reports.length} accounts, ${risky.length} with risks`),
  ];
  for (const r of [...risky, ...reports.filter((x) => x.risks.length === 0)].slice(0, 40)) {
    const risks = r.risks.length > 0 ? `\n:warning: ${escapeMrkdwn(r.risks.join('; '))}` : '';
    const privileges = r.privileges.length > 0 ? escapeMrkdwn(r.privileges.join(' · ')) : '_no privileges_';
    const via = r.grants.length > 0 ? ` · dbops ${r.grants.join(', ')}` : '';
    blocks.push(section(`${code(accountSql(r.account))}${via}\n${truncate(privileges, 1500)}${risks}`));
  }
  if (reports.length > 40) blocks.push(divider(), context(`${reports.length - 40} more accounts not shown.`));
  return {
    text: `Accounts on ${cluster}: ${reports.length} (${risky.length} with risks)`,
    blocks: blocks.slice(0, 50),
  };
}

export interface GrantFormValues {
  scope?: string;
  privileges?: string;
  account?: string;
  duration?: string;
  reason?: string;
}

/** The grant request form; Extend… opens it filled from the grant. */
export function grantModalView(values: GrantFormValues = {}, metadata = ''): View {
  const form = ids.grantModal;
  const input = (
    block: string,
    action: string,
    label: string,
    placeholder: string,
    optional: boolean,
    initial?: string,
  ): KnownBlock => ({
    type: 'input',
    block_id: block,
    optional,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'plain_text_input',
      action_id: action,
      placeholder: { type: 'plain_text', text: placeholder },
      ...(initial ? { initial_value: initial } : {}),
    },
  });
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: metadata,
    title: { type: 'plain_text', text: 'Ask for access' },
    submit: { type: 'plain_text', text: 'Ask' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      input(
        form.scopeBlock,
        form.scopeInput,
        'Where (cluster.schema or cluster.schema.table)',
        'prod.shop.orders',
        false,
        values.scope,
      ),
      input(
        form.privilegesBlock,
        form.privilegesInput,
        'Privileges',
        'SELECT or SELECT,INSERT',
        false,
        values.privileges,
      ),
      input(
        form.accountBlock,
        form.accountInput,
        "Account (user@'host'); empty: your personal account",
        "app_ro@'10.0.%'",
        true,
        values.account,
      ),
      input(
        form.durationBlock,
        form.durationInput,
        'For how long; empty: until revoked',
        '8h, 7d',
        true,
        values.duration,
      ),
      input(form.reasonBlock, form.reasonInput, 'Why', 'monthly revenue report', true, values.reason),
    ],
  };
}

/** `/dbops grant` text from the form's values (the same parser reads both). */
export function grantTextFromForm(values: GrantFormValues): string {
  const parts = [values.scope ?? '', values.privileges ?? ''];
  if (values.account) parts.push(`to ${values.account}`);
  if (values.duration) parts.push(`for ${values.duration}`);
  if (values.reason) parts.push(`because "${values.reason.replaceAll('"', "'")}"`);
  return parts.join(' ');
}

/** Duration text for the Extend… form: the grant's own. */
export function durationText(grant: Grant): string | undefined {
  return grant.duration_seconds ? formatDuration(grant.duration_seconds) : undefined;
}

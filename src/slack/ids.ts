/** Every action id, block id and callback id dbops uses, in one place (STYLE.md §8). */
export const ids = {
  reviewModal: {
    callback: 'dbops.review.modal',
    targetBlock: 'target',
    targetInput: 'target_input',
    sqlBlock: 'sql',
    sqlInput: 'sql_input',
  },
  /** Buttons on tickets (approval message, the requester's answers, App Home); the value is the ticket ref. */
  ticketActions: {
    approve: 'dbops.ticket.approve',
    reject: 'dbops.ticket.reject',
    cancel: 'dbops.ticket.cancel',
    requestException: 'dbops.ticket.request_exception',
    /** DBAs, on a failed ticket: run it again as attempt n+1. */
    retry: 'dbops.ticket.retry',
    /** block_id prefix of a ticket's actions block (`dbops.ticket.actions.42`): unique per ticket on a surface. */
    blockPrefix: 'dbops.ticket.actions.',
  },
  rejectModal: {
    callback: 'dbops.ticket.reject.modal',
    reasonBlock: 'reason',
    reasonInput: 'reason_input',
  },
  /** Cancel… of a running ticket: the reason for stopping it (the form is the confirmation). */
  cancelModal: {
    callback: 'dbops.ticket.cancel.modal',
    reasonBlock: 'reason',
    reasonInput: 'reason_input',
  },
  exceptionModal: {
    callback: 'dbops.ticket.exception.modal',
    reasonBlock: 'reason',
    reasonInput: 'reason_input',
  },
  /**
   * `/dbops exec` without SQL: cluster (a select), schema, SQL, and the start as a date and a time.
   * `target` and `run_at` are the text fields of earlier versions: a form opened before an upgrade
   * and sent after it still reads.
   */
  execModal: {
    callback: 'dbops.exec.modal',
    clusterBlock: 'cluster',
    clusterInput: 'cluster_input',
    schemaBlock: 'schema',
    schemaInput: 'schema_input',
    sqlBlock: 'sql',
    sqlInput: 'sql_input',
    dateBlock: 'run_date',
    dateInput: 'run_date_input',
    timeBlock: 'run_time',
    timeInput: 'run_time_input',
    targetBlock: 'target',
    targetInput: 'target_input',
    runAtBlock: 'run_at',
    runAtInput: 'run_at_input',
  },
  /**
   * Buttons of executions: the online ALTER's panel (Pause, Resume, Cut-over; DBAs only; the value is
   * `T-42/1`, ticket and attempt), Clean up on what an interrupted one left (DBAs only; `T-42/1`) and
   * the rollback offer on a finished ticket (the value is `T-42`).
   */
  executionActions: {
    pause: 'dbops.exec.osc.pause',
    resume: 'dbops.exec.osc.resume',
    cutOver: 'dbops.exec.osc.cutover',
    cleanUp: 'dbops.exec.osc.cleanup',
    rollback: 'dbops.exec.rollback',
    /** block_id prefix of a panel's or offer's actions block (`dbops.exec.actions.42`). */
    blockPrefix: 'dbops.exec.actions.',
  },
  /** A runbook's generated form (`/dbops run <name>`): one input per param, block id `param.<name>`. */
  runbookForm: {
    callback: 'dbops.runbook.form',
    paramBlockPrefix: 'param.',
    input: 'value',
  },
  /**
   * The Run… button of `/dbops runbooks`; the value is the runbook's name. In App Home several sit in
   * one actions block, so theirs is `dbops.runbook.open.<name>` (action ids are unique in a block).
   */
  runbookActions: {
    open: 'dbops.runbook.open',
  },
  /** App Home's form buttons (they open the forms the verbs open without arguments) and block ids. */
  home: {
    requestChange: 'dbops.home.request_change',
    reviewSql: 'dbops.home.review_sql',
    migrate: 'dbops.home.migrate',
    requestAccess: 'dbops.home.request_access',
    /** DBAs' Clusters heading: the switchover form (`/dbops switchover` without a cluster). */
    switchover: 'dbops.home.switchover',
    formsBlock: 'dbops.home.forms',
    runbooksBlock: 'dbops.home.runbooks',
    /** block_id prefix of a waiting ticket's card actions in Home (its list line may carry the ticket's own). */
    cardPrefix: 'dbops.home.card.',
  },
  /** The migrate form (Migrate data in App Home): the same checks as `/dbops migrate`. */
  migrateModal: {
    callback: 'dbops.migrate.modal',
    sourceBlock: 'source',
    sourceInput: 'source_input',
    destinationBlock: 'destination',
    destinationInput: 'destination_input',
    tablesBlock: 'tables',
    tablesInput: 'tables_input',
    whereBlock: 'where',
    whereInput: 'where_input',
    modeBlock: 'mode',
    modeInput: 'mode_input',
    runAtBlock: 'run_at',
    runAtInput: 'run_at_input',
  },
  /** Shortcuts declared in manifest.yml: on a message (review its SQL) and global (the exec form). */
  shortcuts: {
    reviewMessage: 'dbops.shortcut.review_message',
    requestChange: 'dbops.shortcut.request_change',
  },
  /**
   * Buttons of grants: Show password (its owner, once; in the DM), Revoke (owner or DBA), Extend…
   * (opens a new request for the same grant), Request a new password. The value is the grant ref (`G-7`).
   */
  grantActions: {
    showPassword: 'dbops.grant.show_password',
    revoke: 'dbops.grant.revoke',
    extend: 'dbops.grant.extend',
    requestReset: 'dbops.grant.request_reset',
    /** block_id prefix of a grant's actions block (`dbops.grant.actions.7`). */
    blockPrefix: 'dbops.grant.actions.',
  },
  /** The grant request form (`/dbops grant` without arguments, Extend…). */
  grantModal: {
    callback: 'dbops.grant.modal',
    scopeBlock: 'scope',
    scopeInput: 'scope_input',
    privilegesBlock: 'privileges',
    privilegesInput: 'privileges_input',
    accountBlock: 'account',
    accountInput: 'account_input',
    durationBlock: 'duration',
    durationInput: 'duration_input',
    reasonBlock: 'reason',
    reasonInput: 'reason_input',
  },
  /** The restore form (`/dbops restore` without arguments). */
  restoreModal: {
    callback: 'dbops.restore.modal',
    block: 'restore',
    input: 'restore_input',
  },
  /** Buttons on alerts in the alert channel; the value is the alert ref (`alert-42`). DBAs only. */
  alertActions: {
    acknowledge: 'dbops.alert.acknowledge',
    silenceHour: 'dbops.alert.silence_1h',
    silenceDay: 'dbops.alert.silence_1d',
    /** "Fail over to X" on a primary-down alert (DBAs): opens the failover ticket approved by that click. */
    failover: 'dbops.alert.failover',
    /** block_id prefix of an alert's actions block (`dbops.alert.actions.42`): unique per alert in a message. */
    blockPrefix: 'dbops.alert.actions.',
  },
  /**
   * `/dbops top`, `slow` and `space`: Kill buttons (DBAs only; the value is a KillButtonValue JSON,
   * src/slack/views/diagnose-top.ts), "Open change" on slow-statement advice (the value is the
   * prefilled exec form's target and SQL), Top from App Home (the value is the cluster), and the
   * cluster form the three verbs open when no cluster is given.
   */
  diagnose: {
    killQuery: 'dbops.diagnose.kill_query',
    killConnection: 'dbops.diagnose.kill_connection',
    openChange: 'dbops.diagnose.open_change',
    top: 'dbops.diagnose.top',
    /** block_id prefix of a thread's actions block (`dbops.diagnose.actions.42`): unique per thread in a message. */
    blockPrefix: 'dbops.diagnose.actions.',
    formCallback: 'dbops.diagnose.form',
    clusterBlock: 'cluster',
    clusterInput: 'cluster_input',
    schemaBlock: 'schema',
    schemaInput: 'schema_input',
    sinceBlock: 'since',
    sinceInput: 'since_input',
  },
} as const;

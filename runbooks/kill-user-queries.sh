#!/usr/bin/env bash
# kill-user-queries: stop every query of one database user that has run for at least `older_than`
# (KILL QUERY: the statement stops, the connection stays), reporting each one.
# Params: target (cluster), user (an account's user name), older_than (seconds), dry_run (yes|no).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

user=$DBOPS_PARAM_USER
older_than=$DBOPS_PARAM_OLDER_THAN
dry_run=$DBOPS_PARAM_DRY_RUN
case "$older_than" in ''|*[!0-9]*) die "older_than must be a whole number of seconds" ;; esac

progress 0.1 "looking for queries of $user running for ${older_than}s or more"
queries=$(sql "SELECT ID, HOST, IFNULL(DB, '-'), TIME,
    LEFT(REPLACE(REPLACE(REPLACE(IFNULL(INFO, ''), '\n', ' '), '\r', ' '), '\t', ' '), 160)
  FROM information_schema.PROCESSLIST
  WHERE USER = $(sql_string "$user") AND COMMAND IN ('Query', 'Execute') AND TIME >= $older_than
    AND ID <> CONNECTION_ID()
  ORDER BY TIME DESC")

if [ -z "$queries" ]; then
  echo "No query of $user has been running for ${older_than}s or more on $DBOPS_CLUSTER."
  progress 1 "nothing to kill"
  exit 0
fi

total=$(printf '%s\n' "$queries" | wc -l)
n=0 killed=0 gone=0
while IFS=$'\t' read -r id host db time info; do
  n=$((n + 1))
  what="query $id of $user@$host (db $db, running ${time}s): $info"
  if [ "$dry_run" = yes ]; then
    echo "would kill $what"
  elif out=$(sql "KILL QUERY $id" 2>&1); then
    killed=$((killed + 1))
    echo "killed $what"
  elif echo "$out" | grep -qi 'unknown thread'; then
    gone=$((gone + 1))
    echo "already ended: $what"
  else
    die "could not kill query $id: $out"
  fi
  progress "$(awk "BEGIN { printf \"%.2f\", 0.1 + 0.9 * $n / $total }")" "$n of $total queries"
done <<< "$queries"

if [ "$dry_run" = yes ]; then
  echo "Dry run: $total query(ies) of $user would be killed."
else
  echo "Killed $killed query(ies) of $user; $gone had already ended."
fi

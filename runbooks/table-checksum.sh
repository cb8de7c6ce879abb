#!/usr/bin/env bash
# table-checksum: compare a schema's tables between the primary and its replicas with
# pt-table-checksum (chunk by chunk, on the replicas through replication), and report the tables
# that differ (exit 1). Without a replica, CHECKSUM TABLE on the primary (a baseline to compare).
# Params: target (cluster.schema), tables (comma-separated, empty = all).
# Needs percona-toolkit (pt-table-checksum) for clusters with replicas: scripts/ensure-percona-toolkit.sh.
# pt-table-checksum writes its results into `percona`.`checksums` and, here, the replicas it must
# check into `percona`.`dsns` (both replicate); the dbops user needs the privileges the tool lists.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

schema=$DBOPS_SCHEMA
tables=$DBOPS_PARAM_TABLES

exists=$(sql "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = $(sql_string "$schema")")
[ "$exists" = 1 ] || die "schema $schema does not exist on $DBOPS_CLUSTER"

if [ -z "$DBOPS_REPLICAS" ]; then
  echo "$DBOPS_CLUSTER has no replica in dbops.yml: checksums of the primary only."
  if [ -z "$tables" ]; then
    tables=$(sql "SELECT GROUP_CONCAT(TABLE_NAME ORDER BY TABLE_NAME) FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = $(sql_string "$schema") AND TABLE_TYPE = 'BASE TABLE'")
    [ "$tables" != NULL ] || tables=
  fi
  [ -n "$tables" ] || { echo "$schema has no tables."; exit 0; }
  IFS=, read -r -a list <<< "$tables"
  n=0
  for table in "${list[@]}"; do
    n=$((n + 1))
    progress "$(awk "BEGIN { printf \"%.2f\", ($n - 1) / ${#list[@]} }")" "CHECKSUM TABLE $schema.$table"
    sql "CHECKSUM TABLE $(ident "$schema").$(ident "$table")" | while IFS=$'\t' read -r name sum; do
      if [ "$sum" = NULL ]; then echo "$name: does not exist"; else echo "$name: checksum $sum"; fi
    done
  done
  progress 1 "${#list[@]} table(s) checksummed"
  exit 0
fi

command -v pt-table-checksum >/dev/null || die "pt-table-checksum is not installed on this worker (percona-toolkit; see scripts/ensure-percona-toolkit.sh)"

progress 0.05 "registering the replicas ($DBOPS_REPLICAS) for pt-table-checksum"
sql "CREATE DATABASE IF NOT EXISTS percona;
  CREATE TABLE IF NOT EXISTS percona.dsns (id INT AUTO_INCREMENT PRIMARY KEY, parent_id INT NULL, dsn VARCHAR(255) NOT NULL);
  DELETE FROM percona.dsns;"
IFS=, read -r -a replicas <<< "$DBOPS_REPLICAS"
for replica in "${replicas[@]}"; do
  host=${replica%:*} port=${replica##*:}
  sql "INSERT INTO percona.dsns (dsn) VALUES ($(sql_string "h=$host,P=$port"))"
done

# --no-check-binlog-format: the tool sets its own session to STATEMENT so replicas recompute each
# chunk; the check guards replicas of replicas using ROW, which this runbook does not reach.
args=(--databases "$schema" --recursion-method "dsn=D=percona,t=dsns" --no-version-check --no-check-binlog-format)
[ -z "$tables" ] || args+=(--tables "$tables")
replica_word=replicas
[ "${#replicas[@]}" -ne 1 ] || replica_word=replica
progress 0.1 "pt-table-checksum of $schema against ${#replicas[@]} $replica_word"
set +e
pt-table-checksum "${args[@]}" "h=$DBOPS_DB_HOST,P=$DBOPS_DB_PORT,F=$MYSQL_DEFAULTS_FILE" 2>&1
status=$?
set -e
# pt-table-checksum's exit status is a bit field: 16 = a table differs; anything else is an error.
if [ $((status & ~16)) -ne 0 ]; then die "pt-table-checksum failed (exit status $status)"; fi
if [ $((status & 16)) -ne 0 ]; then
  die "some tables of $schema differ between the primary and a replica (their DIFFS above are not 0)"
fi
echo "Every checksummed table of $schema is the same on the primary and its $replica_word."
progress 1 "no differences"

#!/usr/bin/env bash
# analyze-table: refresh a table's index statistics with ANALYZE TABLE, showing each index's
# cardinality before and after. Param: target (cluster.schema.table).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

schema=$DBOPS_SCHEMA
table=$DBOPS_TABLE
where="TABLE_SCHEMA = $(sql_string "$schema") AND TABLE_NAME = $(sql_string "$table")"
qualified="$(ident "$schema").$(ident "$table")"

kind=$(sql "SELECT TABLE_TYPE FROM information_schema.TABLES WHERE $where")
[ -n "$kind" ] || die "table $schema.$table does not exist on $DBOPS_CLUSTER"
[ "$kind" = "BASE TABLE" ] || die "$schema.$table is a ${kind,,}, not a table: nothing to analyze"

cardinality="SELECT INDEX_NAME AS \`index\`, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS \`columns\`,
  MAX(CARDINALITY) AS cardinality FROM information_schema.STATISTICS WHERE $where GROUP BY INDEX_NAME ORDER BY INDEX_NAME"

progress 0.1 "reading the index statistics of $schema.$table"
echo "Index statistics of $schema.$table before:"
sql_table "$cardinality"

progress 0.3 "ANALYZE TABLE $schema.$table"
started=$(date +%s)
result=$(sql "ANALYZE TABLE $qualified")
echo "$result" | while IFS=$'\t' read -r name op type text; do echo "$name $op: $type: $text"; done
if echo "$result" | cut -f3 | grep -qi '^error$'; then die "ANALYZE TABLE $schema.$table reported an error"; fi

progress 0.9 "reading the new statistics"
echo "Index statistics after ($(($(date +%s) - started)) s):"
sql_table "$cardinality"
progress 1 "done"

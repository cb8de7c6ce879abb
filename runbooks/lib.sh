# Helpers the shipped runbooks share (sourced, never run). dbops runs a runbook with:
#   argv                  the params' values, in the order the runbook declares them
#   DBOPS_PARAM_<NAME>    the same values by name (ints and durations as whole numbers; durations in seconds)
#   DBOPS_CLUSTER, DBOPS_SCHEMA, DBOPS_TABLE   the target the cluster/schema/table param names
#   MYSQL_DEFAULTS_FILE   a 0600 option file with the target primary's host, port, user and password
#   DBOPS_DB_HOST, DBOPS_DB_PORT, DBOPS_DB_USER, DBOPS_REPLICAS (host:port,…), DBOPS_TICKET, DBOPS_RUNBOOK
# and nothing else of dbops' environment. A stdout line {"progress":0.4,"message":"…"} moves the
# ticket's progress bar; the exit code decides the outcome (0 = done).

# Run SQL on the target primary; tab-separated rows, no header.
sql() { mysql --defaults-file="$MYSQL_DEFAULTS_FILE" --batch --skip-column-names --raw -e "$1"; }

# Run SQL on the target primary and print the rows as a table with a header.
sql_table() { mysql --defaults-file="$MYSQL_DEFAULTS_FILE" --table -e "$1"; }

# A string as an SQL literal that no character of it can escape from: X'68656c6c6f'.
sql_string() {
  local hex
  hex=$(printf %s "$1" | od -An -v -tx1 | tr -d ' \n')
  if [ -z "$hex" ]; then printf "''"; else printf "CONVERT(X'%s' USING utf8mb4)" "$hex"; fi
}

# An identifier quoted for SQL: `name` (a backtick in it doubled).
ident() { printf '`%s`' "${1//\`/\`\`}"; }

# A progress line for dbops: progress FRACTION MESSAGE
progress() {
  local message=${2//\\/\\\\}
  message=${message//\"/\\\"}
  printf '{"progress":%s,"message":"%s"}\n' "$1" "$message"
}

die() { echo "$*" >&2; exit "${EXIT_CODE:-1}"; }

#!/usr/bin/env bash
# Make sure pt-online-schema-change (Debian's percona-toolkit, with Perl's DBD::mysql) is installed:
# dbops runs ALTERs of large tables through it, and its tests need it. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if command -v pt-online-schema-change >/dev/null 2>&1 && perl -MDBD::mysql -e 1 >/dev/null 2>&1; then
  exit 0
fi
echo "installing percona-toolkit from Debian's packages"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq percona-toolkit libdbd-mysql-perl >/dev/null
pt-online-schema-change --version

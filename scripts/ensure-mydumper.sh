#!/usr/bin/env bash
# Install mydumper/myloader (Debian's `mydumper`) so `npm run bench -- migrate` compares dbops'
# migrations with them too. Only the benchmark uses them; dbops itself never does. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if command -v mydumper >/dev/null 2>&1 && command -v myloader >/dev/null 2>&1; then
  exit 0
fi
echo "installing mydumper from Debian's packages"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq mydumper >/dev/null
mydumper --version

#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium, with fonts for text and emoji
# (the workspace browser test drives it with playwright-core; Playwright's own browser downloads
# are never used). Installs from Debian's packages when missing. Idempotent.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
for pkg in fonts-liberation fonts-noto-color-emoji; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "chromium is installed: $(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown')"

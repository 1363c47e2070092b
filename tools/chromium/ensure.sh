#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the tracking page's browser test
# (test/tracking-page.browser.e2e-spec.ts drives it with playwright-core). Idempotent: does
# nothing when it is already there. Installing needs root (CI runs as root) and the Debian
# package mirror; elsewhere run `sudo apt-get install -y chromium` once.
set -euo pipefail

bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$bin" ]]; then
  exit 0
fi
if [[ "$(id -u)" != "0" ]]; then
  echo "chromium: $bin is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "chromium: installing Debian's chromium (first run only)..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >/dev/null ||
  { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
"$bin" --version >&2

#!/usr/bin/env bash
# Installs Debian's Chromium for the portal's browser tests (tests/GoldenPath.Platform.Portal.Tests): Microsoft.Playwright
# drives /usr/bin/chromium (it cannot download its own browser here). Skipped when /usr/bin/chromium is present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

if [ -x /usr/bin/chromium ]; then
  step_note "chromium present: $(/usr/bin/chromium --version 2>/dev/null | head -n1)"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  fail "Chromium (/usr/bin/chromium) is needed by the portal's browser tests and is not installed." \
    "On Debian run ./build.sh prereqs as root; elsewhere install Chromium at /usr/bin/chromium."
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] || fail "apt-get installed chromium but /usr/bin/chromium is missing." "Install Debian's chromium package."
step_note "installed $(/usr/bin/chromium --version 2>/dev/null | head -n1)"

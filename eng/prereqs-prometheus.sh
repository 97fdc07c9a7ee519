#!/usr/bin/env bash
# Installs Prometheus and promtool 2.53 (Debian 13) for the observability tests: `promtool check rules` and
# `promtool test rules` on the generated rules, and a real Prometheus that scrapes a golden-path service and evaluates
# them. (Debian builds Prometheus with its OTLP receiver disabled, so the tests scrape; see docs/observability.md.)
# Debian 12 has only 2.42. Only these two packages come from trixie (pinned at 100, as for docker in eng/prereqs.sh);
# everything they depend on comes from bookworm. Skipped when a promtool >= 2.47 is already on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

has_new_enough() {
  command -v promtool >/dev/null && command -v prometheus >/dev/null || return 1
  local version
  version="$(promtool --version 2>&1 | sed -n 's/^promtool, version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')"
  [ -n "$version" ] && read -r major minor <<<"$version" && { [ "$major" -gt 2 ] || [ "$minor" -ge 47 ]; }
}

if has_new_enough; then
  step_note "promtool and prometheus present: $(promtool --version 2>&1 | head -n1)"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  fail "Prometheus and promtool >= 2.47 are needed by the observability tests and are not installed." \
    "On Debian run ./build.sh prereqs as root; elsewhere install Prometheus 2.47 or later (prometheus and promtool on PATH)."
fi

export DEBIAN_FRONTEND=noninteractive
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
if [ "$codename" = "bookworm" ]; then
  add_trixie_source "prometheus and promtool"
  apt-get update -qq
  # Nothing else may come from trixie (its libc would follow): refuse when the simulation says otherwise.
  others="$(apt-get install -s --no-install-recommends prometheus/trixie promtool/trixie | grep '^Inst ' | grep 'Debian:13' | grep -v -E 'Debian(-Security)?:12' | grep -v -E '^Inst (prometheus|promtool) ' || true)"
  if [ -n "$others" ]; then
    fail "Installing prometheus and promtool from trixie would also take other packages from trixie:" "$others" \
      "Install Prometheus >= 2.47 another way (a release tarball) and put prometheus and promtool on PATH."
  fi
  apt-get install -y -qq --no-install-recommends prometheus/trixie promtool/trixie >/dev/null
else
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus promtool >/dev/null
fi
# The package starts a system Prometheus on :9090; the tests run their own on free ports.
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then systemctl stop prometheus || true; fi
has_new_enough || fail "promtool $(promtool --version 2>&1 | head -n1) is older than 2.47." "Install Prometheus 2.47 or later."
step_note "installed $(promtool --version 2>&1 | head -n1)"

#!/usr/bin/env bash
# ./build.sh prereqs (Backstage part) — the npm packages of integrations/backstage: the Backstage catalog module's own
# dependencies and, to test it, a real Backstage backend (backend-defaults, catalog-backend, better-sqlite3) and
# TypeScript, at the exact versions of integrations/backstage/package-lock.json.
#
# npm ci takes minutes here (better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded), so the
# installed node_modules is kept in a cache keyed by Node's major version, the CPU and the lock file's hash
# (${GOLDENPATH_CACHE:-~/.cache/goldenpath}/backstage-node<major>-<arch>-<hash>) and linked into integrations/backstage.
# Idempotent: with the cache in place it only checks the link.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

readonly module="$root/integrations/backstage"

command -v node >/dev/null && command -v npm >/dev/null ||
  fail "Node.js and npm are not on PATH; the Backstage integration test runs a real Backstage backend on Node." \
    "Install Node.js 20 or 22 with npm (https://nodejs.org, or your distribution's nodejs >= 20) and run ./build.sh prereqs again."
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] ||
  fail "Node.js $(node --version) is too old for Backstage's backend." "Install Node.js 20 or 22 and run ./build.sh prereqs again."

lock_hash="$(sha256sum "$module/package-lock.json" | cut -c1-16)"
cache_root="${GOLDENPATH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/goldenpath}"
cache="$cache_root/backstage-node$node_major-$(uname -m)-$lock_hash"

if [ -f "$cache/.installed" ]; then
  step_note "Backstage packages: cached in $cache"
else
  step_note "Backstage packages: npm ci into $cache (a few minutes, once per lock file and Node major)"
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  cp "$module/package.json" "$module/package-lock.json" "$cache.partial/"
  (cd "$cache.partial" && npm ci --no-audit --no-fund --loglevel=error)
  # A half-finished install is never taken for a finished one: the marker comes last, then the rename.
  touch "$cache.partial/.installed"
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
fi

link="$module/node_modules"
if [ "$(readlink "$link" 2>/dev/null || true)" != "$cache/node_modules" ]; then
  # The folder is npm's output for this package only (git ignores it); an install made by hand is replaced by the link.
  rm -rf "$link"
  ln -s "$cache/node_modules" "$link"
  step_note "linked integrations/backstage/node_modules -> $cache/node_modules"
fi

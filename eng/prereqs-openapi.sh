#!/usr/bin/env bash
# ./build.sh prereqs — the OpenAPI tools the platform's tests run on the document the platform serves, idempotently:
#   1. Redocly CLI (npm @redocly/cli), the linter API teams run on OpenAPI documents: installed once per version into
#      the user's cache (~/.cache/goldenpath/redocly-cli-<version>) and linked as artifacts/tools/redocly;
#   2. the dotnet tools of the repository's tool manifest (dotnet-tools.json: Kiota, the client generator the tests
#      generate a typed client with; the Aspire CLI), restored from the NuGet feed.
# Needs Node.js >= 20 with npm, and the .NET SDK.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

readonly redocly_version="2.77.0"
readonly cache="${XDG_CACHE_HOME:-$HOME/.cache}/goldenpath/redocly-cli-$redocly_version"
readonly link="$root/artifacts/tools/redocly"

command -v npm >/dev/null ||
  fail "npm is not on PATH; the platform's tests lint its OpenAPI document with Redocly CLI (npm @redocly/cli)." \
    "Install Node.js 20 or later with npm (on Debian: apt-get install nodejs npm) and run ./build.sh prereqs again."

if "$cache/node_modules/.bin/redocly" --version >/dev/null 2>&1; then
  step_note "Redocly CLI $redocly_version is cached in $cache"
else
  step_note "installing Redocly CLI $redocly_version (npm @redocly/cli) into $cache"
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  npm install --prefix "$cache.partial" --no-audit --no-fund --loglevel=error "@redocly/cli@$redocly_version" >/dev/null
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
fi
mkdir -p "$(dirname "$link")"
# npm's bin links are relative to node_modules/.bin: link the package's own entry point, which finds its modules.
ln -sfn "$cache/node_modules/.bin/redocly" "$link"
"$link" --version >/dev/null 2>&1 || fail "Redocly CLI in $cache does not run." "Delete $cache and run ./build.sh prereqs again."

step_note "restoring the dotnet tools of dotnet-tools.json"
dotnet tool restore --tool-manifest "$root/dotnet-tools.json" >/dev/null ||
  fail "dotnet tool restore failed for $root/dotnet-tools.json." "Check that the NuGet feed in nuget.config answers, then run ./build.sh prereqs again."

#!/usr/bin/env bash
# Installs the npm packages the observability tests check generated objects with (eng/observability/package.json:
# the prometheus-operator CRD schemas, Kubernetes' schemas, Grafana's dashboard model and the TypeScript compiler that
# checks a dashboard against it; ~30 MB, a few seconds). Skipped when eng/observability/node_modules matches the lock file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"
folder="$root/eng/observability"
stamp="$folder/node_modules/.goldenpath-lock"

command -v npm >/dev/null || fail "npm is not on PATH; the observability tests check dashboards and CRD objects with npm packages." \
  "Install Node.js 20 or later (Debian: apt-get install nodejs npm) and run ./build.sh prereqs again."

if [ -f "$stamp" ] && cmp -s "$stamp" "$folder/package-lock.json"; then
  step_note "observability npm packages present"
  exit 0
fi

(cd "$folder" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cp "$folder/package-lock.json" "$stamp"
step_note "installed $(cd "$folder" && npm ls --depth=0 2>/dev/null | tail -n +2 | tr -d '│├└─ ' | paste -sd ' ')"

#!/usr/bin/env bash
# GoldenPath's one entry point for developers and CI. `./build.sh help` lists the commands.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

readonly solution="GoldenPath.sln"
readonly configuration="${CONFIGURATION:-Debug}"
readonly test_timeout="${GOLDENPATH_TEST_TIMEOUT:-1200}"

usage() {
  cat <<'TEXT'
Usage: ./build.sh <command>

Commands:
  prereqs   Make sure a Docker engine (API >= 1.44) and the PostgreSQL/Redis images are here.
            Installs and starts them on Debian as root; elsewhere says what to install.
            Installs the Backstage packages of integrations/backstage (npm ci, cached per lock file).
            Writes the chosen images to artifacts/images.env.
  test      prereqs, restore, build (warnings are errors), then every test project.
            Ends with the line "N passed, N failed, N skipped"; exits non-zero on any failure.
  run       prereqs, then the whole stack under the Aspire app host, with the dashboard.
  pack      Every NuGet package, the template pack and the Backstage module (npm) into artifacts/packages.
  help      This text.

Environment:
  CONFIGURATION                 Debug (default) or Release.
  CI=true                       Container tests fail, instead of being skipped, when no engine answers.
  GOLDENPATH_TEST_TIMEOUT       Seconds one test project may run (default 1200).
  GOLDENPATH_PREREQS_LOCAL_IMAGES=true
                                Build the local images even where a registry answers.
TEXT
}

require_dotnet() {
  command -v dotnet >/dev/null ||
    fail "The .NET SDK is not on PATH." "Install the .NET 10 SDK (https://dot.net/download) and run this again."
}

cmd_prereqs() {
  run_step "prereqs: Docker engine and container images" bash "$root/eng/prereqs.sh"
  run_step "prereqs: OpenAPI tools (Redocly CLI, Kiota) and the repository's dotnet tools" bash "$root/eng/prereqs-openapi.sh"
  run_step "prereqs: Backstage backend packages (npm, cached)" bash "$root/eng/prereqs-backstage.sh"
  run_step "prereqs: Prometheus and promtool (observability tests)" bash "$root/eng/prereqs-prometheus.sh"
  run_step "prereqs: npm schema checkers (observability tests)" bash "$root/eng/prereqs-observability-npm.sh"
  run_step "prereqs: Chromium (portal browser tests)" bash "$root/eng/prereqs-chromium.sh"
  run_step "prereqs: clang for Native AOT publishes (the --aot template tests)" bash "$root/eng/prereqs-aot.sh"
}

cmd_restore() { run_step "restore $solution" dotnet restore "$solution" --nologo -v quiet; }

cmd_build() {
  run_step "build $solution ($configuration, warnings are errors)" \
    dotnet build "$solution" --no-restore --nologo -c "$configuration" -warnaserror -v quiet -clp:NoSummary
}

test_projects() {
  dotnet sln "$solution" list | tr -d '\r' | grep -E '^tests/.+\.csproj$' | sort
}

# Runs one test project; appends "name passed failed skipped" to the summary file.
run_test_project() {
  local project="$1" summary="$2"
  local name log results
  name="$(basename "$project" .csproj)"
  log="$root/artifacts/logs/test-$name.log"
  results="$root/artifacts/test-results/$name"
  rm -rf "$results"
  local started=$SECONDS rc=0
  printf '==> test %s\n' "$name"
  # The test platform's own --timeout ends a hung run cleanly (fixtures disposed, containers removed);
  # the outer timeout is the backstop if even that hangs.
  timeout --signal=TERM --kill-after=60 "$((test_timeout + 120))" \
    dotnet test --project "$project" --no-build -c "$configuration" --no-progress --no-ansi \
    --timeout "${test_timeout}s" --results-directory "$results" --report-xunit-trx >"$log" 2>&1 || rc=$?
  local total failed passed skipped
  total="$(sed -n 's/^ *total: *\([0-9]*\).*/\1/p' "$log" | tail -n1)"
  failed="$(sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' "$log" | tail -n1)"
  passed="$(sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' "$log" | tail -n1)"
  skipped="$(sed -n 's/^ *skipped: *\([0-9]*\).*/\1/p' "$log" | tail -n1)"
  if [ -z "$total" ]; then
    # The test application died before it could report (crash, timeout): count it as one failure.
    passed=0 failed=1 skipped=0
    [ "$rc" = 124 ] && echo "    timed out after $((test_timeout + 120))s (GOLDENPATH_TEST_TIMEOUT)" >&2
  elif [ "$rc" != 0 ] && [ "${failed:-0}" = 0 ]; then
    failed=1
  fi
  if [ "$failed" != 0 ]; then
    grep -E '^(failed|error) |^\s+(Assert|Expected|Actual|Exception|System\.|at GoldenPath)|^  (Standard|Error) output' "$log" | head -n 60 >&2 || true
    printf '    log: %s\n' "${log#"$root"/}" >&2
  fi
  printf '<== test %s: %s passed, %s failed, %s skipped (%ss)\n' "$name" "$passed" "$failed" "$skipped" "$((SECONDS - started))"
  echo "$name $passed $failed $skipped $((SECONDS - started))" >>"$summary"
}

cmd_test() {
  require_dotnet
  cmd_prereqs
  load_images_env "$root"
  cmd_restore
  cmd_build
  mkdir -p "$root/artifacts/logs" "$root/artifacts/test-results"
  local summary
  summary="$(mktemp)"
  local project
  while IFS= read -r project; do
    run_test_project "$project" "$summary"
  done < <(test_projects)

  echo
  printf '%-40s %8s %8s %8s %8s\n' "test project" passed failed skipped seconds
  local total_passed=0 total_failed=0 total_skipped=0 name p f s t
  while read -r name p f s t; do
    printf '%-40s %8s %8s %8s %8s\n' "$name" "$p" "$f" "$s" "$t"
    total_passed=$((total_passed + p)); total_failed=$((total_failed + f)); total_skipped=$((total_skipped + s))
  done <"$summary"
  rm -f "$summary"
  echo
  echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
  [ "$total_failed" = 0 ]
}

cmd_run() {
  require_dotnet
  cmd_prereqs
  load_images_env "$root"
  if [ ! -f "$root/AppHost/GoldenPath.AppHost.csproj" ]; then
    fail "There is no app host yet (AppHost/GoldenPath.AppHost.csproj)." \
      "The whole-stack app host arrives with the AppHost work; until then run a service directly," \
      "e.g. dotnet run --project platform/GoldenPath.Platform."
  fi
  exec bash "$root/eng/run-apphost.sh"
}

cmd_pack() {
  require_dotnet
  rm -rf "$root/artifacts/packages"
  local project
  for project in "$root"/sdk/*/*.csproj "$root"/templates/*/*.csproj; do
    # The build task is packed inside GoldenPath.ServiceDefaults, not on its own.
    [[ "$project" == *.Build.csproj ]] && continue
    run_step "pack $(basename "$project" .csproj) (Release)" \
      dotnet pack "$project" --nologo -c Release -v quiet -clp:NoSummary -o "$root/artifacts/packages"
  done
  run_step "pack the Backstage catalog module (npm)" bash -c \
    'cd "$1/integrations/backstage" && npm run --silent build && npm pack --silent --pack-destination "$1/artifacts/packages" >/dev/null' _ "$root"
  ls -1 "$root/artifacts/packages"
}

case "${1:-help}" in
  prereqs) cmd_prereqs ;;
  test) cmd_test ;;
  run) cmd_run ;;
  pack) cmd_pack ;;
  help|-h|--help) usage ;;
  *) usage >&2; fail "Unknown command '$1'." "Use one of: prereqs, test, run, pack, help." ;;
esac

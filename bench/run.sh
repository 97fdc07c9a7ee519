#!/usr/bin/env bash
# (Steps run as conditions of run_step, where errexit does not apply: every command that can fail says `|| return 1`.)
# The GoldenPath benchmarks: each figure is measured against its baseline in the same run (interleaved rounds,
# medians and spread) and written to bench/results.md. See bench/README.md.
#
#   bench/run.sh           the full run (about 20 minutes)
#   bench/run.sh --quick   a smoke run (about 6 minutes): fewer rounds, shorter runs
#   bench/run.sh [--quick] --only startup|platform|upgrade|portal|replicas   one section alone (its Markdown on
#                                          standard output; results.md untouched); --only startup|platform --before REF
#                                          is the A/B of a start-up or platform change (both builds in the same rounds)
#   bench/run.sh [--quick] --before REF   also run the golden path as built from REF (e.g. main), interleaved with
#                                          this tree's in sections 1 and 2 (the A/B of a request-path or start-up
#                                          change in one invocation), and load the platform as built from REF in
#                                          the same rounds in section 3
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../eng/common.sh
source "$root/eng/common.sh"

quick=false
only=""
before=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --only) only="${2:-}"; shift; case "$only" in startup|platform|upgrade|portal|replicas) ;; *) fail "unknown section '$only'" "use bench/run.sh --only startup|platform|upgrade|portal|replicas" ;; esac ;;
    --before) before="${2:-}"; shift; [ -n "$before" ] || fail "--before needs a git revision" "use e.g. bench/run.sh --before main" ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) fail "unknown option '$1'" "use bench/run.sh [--quick] [--before REF] | --only startup|platform|upgrade|portal|replicas" ;;
  esac
  shift
done

if $quick; then
  rounds=2; seconds=3; warmup=5; startup_rounds=3; load_rounds=1; load_seconds=5; repeats=2; template_runs=2; portal_seconds=6
else
  rounds=4; seconds=12; warmup=12; startup_rounds=10; load_rounds=3; load_seconds=15; repeats=3; template_runs=3; portal_seconds=15
fi

work="$(mktemp -d /tmp/goldenpath-bench-XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  docker rm -f goldenpath-bench-postgres goldenpath-bench-portal-postgres goldenpath-bench-replicas-postgres >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

ensure_tools() {
  # dotnet-counters reads the platform's own request-duration histogram (section 3).
  dotnet tool install --tool-path "$work/tools" dotnet-counters --version 10.0.750501 >/dev/null || return 1
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v hyperfine >/dev/null || missing+=(hyperfine)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || fail "missing: ${missing[*]}" "install them (Debian: apt-get install ${missing[*]})"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build_platform() {
  dotnet build "$root/bench/GoldenPath.Bench/GoldenPath.Bench.csproj" -c Release -v q -clp:NoSummary -nologo || return 1
  dotnet build "$root/platform/GoldenPath.Platform/GoldenPath.Platform.csproj" -c Release -v q -clp:NoSummary -nologo || return 1
}

# The platform and the bench as built from $before (when given), beside this tree's.
build_before() {
  build_platform || return 1
  [ -n "$before" ] || return 0
  local rev; rev=$(git -C "$root" rev-parse --short "$before") || return 1
  mkdir -p "$work/before" && git -C "$root" archive "$rev" | tar -x -C "$work/before" || return 1
  # This tree's driver and services (Services.cs, with the start-up probe) over that tree's SDK: the A/B is the SDK's alone.
  cp "$root"/bench/GoldenPath.Bench/*.cs "$work/before/bench/GoldenPath.Bench/" || return 1
  dotnet build "$work/before/bench/GoldenPath.Bench/GoldenPath.Bench.csproj" -c Release -v q -clp:NoSummary -nologo >/dev/null || return 1
  echo "$rev ($before)" >"$work/before/bench/GoldenPath.Bench/bin/Release/net10.0/commit.txt"
  # The platform of both trees takes the same load in the same rounds in section 3 (not run by --only startup).
  [ "$only" = startup ] || dotnet build "$work/before/platform/GoldenPath.Platform/GoldenPath.Platform.csproj" -c Release -v q -clp:NoSummary -nologo >/dev/null || return 1
}

build() {
  build_before || return 1
  # The same program with ReadyToRun code, for the start-up comparison (what precompiling gives a service).
  dotnet publish "$root/bench/GoldenPath.Bench/GoldenPath.Bench.csproj" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o "$work/ready-to-run" -v q -clp:NoSummary -nologo >/dev/null || return 1
  # The same services compiled with Native AOT (clang from ./build.sh prereqs), for the start-up comparison.
  dotnet publish "$root/bench/GoldenPath.Bench.Aot/GoldenPath.Bench.Aot.csproj" -c Release -o "$work/aot" -v q -clp:NoSummary -nologo >/dev/null || return 1
}

bench() { dotnet "$root/bench/GoldenPath.Bench/bin/Release/net10.0/GoldenPath.Bench.dll" "$@"; }

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || fail "$1 did not answer within $2 s"
    sleep 0.2
  done
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

token="bench-admin-token-0123456789abcdef"

# start_platform <connection string or ""> [platform folder] → starts the platform (SQLite when empty; this tree's
# build unless a folder is given); sets platform_url and platform_pid
start_platform() {
  local port; port=$(free_port)
  local folder="${2:-$root/platform/GoldenPath.Platform/bin/Release/net10.0}"
  # Instances stay live for an hour: seeding a second platform for an A/B can take longer than the default 90 s under
  # load, and the first one's instances must not have expired meanwhile (their heartbeats would all be registrations).
  ConnectionStrings__platform="$1" GoldenPath__Platform__DataDirectory="$work/platform-data" GoldenPath__Platform__InstanceTtl=01:00:00 \
  GoldenPath__Platform__BootstrapToken="$token" GoldenPath__Platform__WritesPerSecond=100000 GoldenPath__Platform__WriteBurst=100000 \
  GoldenPath__Platform__ReadsPerSecond=100000 GoldenPath__Platform__ReadBurst=100000 \
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$folder/GoldenPath.Platform.dll" >"$work/platform-$port.log" 2>&1 &
  pids+=($!)
  platform_pid=$!
  platform_url="http://127.0.0.1:$port"
  wait_http "$platform_url/health/ready" 60
}

# start_services_under_test → the OTLP receiver and the platform (SQLite) the measured services export to and register
# with; sets sink_port, platform and service_token
start_services_under_test() {
  sink_port=$(free_port)
  # Started directly (not through the bench function, whose subshell would leave the receiver running at exit).
  ASPNETCORE_URLS="http://127.0.0.1:$sink_port" dotnet "$root/bench/GoldenPath.Bench/bin/Release/net10.0/GoldenPath.Bench.dll" sink >"$work/sink.log" 2>&1 &
  pids+=($!)
  wait_http "http://127.0.0.1:$sink_port/received" 30
  start_platform ""
  platform="$platform_url"
  # The measured service holds what a golden-path service holds: a token of its own team with scope instances:write.
  service_token=$(curl -fsS -X POST "$platform/api/v1/tokens" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"team":"team-platform","scopes":["instances:write"],"name":"bench services"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
}

section_startup() {
  echo "## 2. Start-up"
  echo
  echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  local extra=()
  $quick || extra+=(--breakdown) # each part of the golden path off in turn: the full run only, to keep --quick short
  [ -z "$before" ] || extra+=(--before "$work/before/bench/GoldenPath.Bench/bin/Release/net10.0/GoldenPath.Bench.dll")
  bench startup --rounds "$startup_rounds" --platform "$platform" --token "$service_token" --otlp "http://127.0.0.1:$sink_port" \
    --ready-to-run "$work/ready-to-run/GoldenPath.Bench.dll" --aot "$work/aot" "${extra[@]}" || return 1
  echo
  echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
}

section_overhead_startup() {
  local sink_port platform service_token
  start_services_under_test
  {
    echo "## 1. Request overhead"
    echo
    local overhead_extra=()
    [ -z "$before" ] || overhead_extra+=(--before "$work/before/bench/GoldenPath.Bench/bin/Release/net10.0/GoldenPath.Bench.dll")
    bench overhead --rounds "$rounds" --seconds "$seconds" --warmup "$warmup" --platform "$platform" --token "$service_token" --otlp "http://127.0.0.1:$sink_port" \
      "${overhead_extra[@]}" || return 1
    echo
    echo "The OTLP receiver took $(curl -fsS "http://127.0.0.1:$sink_port/received") bytes of telemetry during the run."
    echo
    section_startup || return 1
  } >>"$work/results.md"
}

# start_postgres <container name> → starts PostgreSQL in Docker; sets postgres_connection
start_postgres() {
  load_images_env "$root"
  postgres_image="${GOLDENPATH_POSTGRES_IMAGE:-docker.io/library/postgres:17}"
  docker rm -f "$1" >/dev/null 2>&1 || true
  # Two platforms of an A/B (before, after) share it, each with Npgsql's default pool of 100 connections: PostgreSQL's
  # default max_connections (100) refused the second one's connections under load (53300 too many clients).
  docker run -d --name "$1" -e POSTGRES_PASSWORD=bench -p 127.0.0.1::5432 "$postgres_image" -c max_connections=300 >/dev/null || return 1
  local port; port=$(docker port "$1" 5432/tcp | head -1 | sed 's/.*://')
  local deadline=$((SECONDS + 60))
  until docker exec "$1" pg_isready -U postgres -q 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "PostgreSQL ($postgres_image) did not start within 60 s"
    sleep 0.5
  done
  # The container's own address when this host can reach it: through the published port, Docker's userland proxy
  # would take a fifth of a core at 2,000 heartbeats/s, which a platform in production does not pay.
  local host=127.0.0.1 address
  address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1")
  if [ -n "$address" ] && timeout 2 bash -c "</dev/tcp/$address/5432" 2>/dev/null; then host=$address; port=5432; fi
  postgres_connection="Host=$host;Port=$port;Username=postgres;Password=bench;Database=postgres"
}

section_platform() {
  start_postgres goldenpath-bench-postgres || return 1
  local image="$postgres_image"
  start_platform "$postgres_connection"
  local platform="$platform_url" pid="$platform_pid" compare=()
  if [ -n "$before" ]; then
    # The platform as built from $before, on a database of its own in the same server, loaded in the same rounds.
    docker exec goldenpath-bench-postgres psql -U postgres -qc 'CREATE DATABASE before' >/dev/null || return 1
    start_platform "${postgres_connection/Database=postgres/Database=before}" "$work/before/platform/GoldenPath.Platform/bin/Release/net10.0"
    compare=(--before-platform "$platform_url/" --before-pid "$platform_pid" --before-label "$(cat "$work/before/bench/GoldenPath.Bench/bin/Release/net10.0/commit.txt")")
  fi
  {
    echo "## 3. Platform under load (PostgreSQL $image)"
    echo
    bench platform-load --platform "$platform/" --token "$token" --instances 10000 --rounds "$load_rounds" --seconds "$load_seconds" --rates "${platform_rates:-333,2000,4000}" \
      --counters "$work/tools/dotnet-counters" --platform-pid "$pid" "${compare[@]}" || return 1
    echo
  } >>"$work/results.md"
}

section_manifests() {
  {
    echo "## 4. Manifests at scale"
    echo
    bench manifests --counts 10,100,1000 --repeats "$repeats" || return 1
    echo
  } >>"$work/results.md"
}

section_templates() {
  local feed="$work/feed" hive="$work/hive" gen="$work/gen"
  mkdir -p "$feed" "$gen"
  # Every package of sdk/ (GoldenPath.ServiceDefaults.Build is not one: it ships inside ServiceDefaults), as build.sh pack does.
  local project
  for project in "$root"/sdk/GoldenPath.*/GoldenPath.*.csproj; do
    [ "$(basename "$project")" = GoldenPath.ServiceDefaults.Build.csproj ] && continue
    dotnet pack "$project" -c Release -o "$feed" -v q -clp:NoSummary -nologo >/dev/null || return 1
  done
  dotnet pack "$root/templates/GoldenPath.Templates/GoldenPath.Templates.csproj" -c Release -o "$feed" -v q -clp:NoSummary -nologo >/dev/null
  dotnet new install "$feed"/GoldenPath.Templates.*.nupkg --debug:custom-hive "$hive" >/dev/null
  cat >"$gen/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources><clear /><add key="local" value="$feed" /><add key="upstream" value="https://api.nuget.org/v3/index.json" /></packageSources>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
</configuration>
CONFIG
  hyperfine --runs "$template_runs" --export-markdown "$work/new.md" --prepare "rm -rf $gen/orders-api" \
    "dotnet new platform-api -n orders-api --owner team-payments -o $gen/orders-api --skip-restore --debug:custom-hive $hive" >/dev/null
  local started build_s test_s
  started=$(date +%s%N)
  (cd "$gen/orders-api" && dotnet build -warnaserror -v q -clp:NoSummary -nologo >/dev/null)
  build_s=$(( ($(date +%s%N) - started) / 1000000 ))
  started=$(date +%s%N)
  (cd "$gen/orders-api" && dotnet test --no-build >/dev/null)
  test_s=$(( ($(date +%s%N) - started) / 1000000 ))
  {
    echo "## 5. Templates"
    echo
    echo "\`dotnet new platform-api\` (hyperfine, $template_runs runs, no restore):"
    echo
    cat "$work/new.md"
    echo
    echo "| first build of the output (restore of every package included, an empty packages folder) | first \`dotnet test\` (9 tests) |"
    echo "|---|---|"
    echo "| $((build_s / 1000)).$(printf '%03d' $((build_s % 1000))) s | $((test_s / 1000)).$(printf '%03d' $((test_s % 1000))) s |"
    echo
  } >>"$work/results.md"
}

# 6. goldenpath upgrade of a generated service: the current template pack and a next version (one more workflow step,
# one more file) in a local feed, a service made with the first and committed, a team's edit, then the upgrade.
section_upgrade() {
  local feed="$work/up-feed" gen="$work/up-gen" cache="$work/up-cache" next="$work/up-next"
  mkdir -p "$feed" "$gen"
  dotnet build "$root/sdk/GoldenPath.Cli/GoldenPath.Cli.csproj" -c Release -v q -clp:NoSummary -nologo >/dev/null || return 1
  local cli="$root/sdk/GoldenPath.Cli/bin/Release/net10.0/GoldenPath.Cli.dll"
  dotnet pack "$root/templates/GoldenPath.Templates/GoldenPath.Templates.csproj" -c Release -o "$feed" -v q -clp:NoSummary -nologo >/dev/null || return 1
  local version; version=$(basename "$feed"/GoldenPath.Templates.*.nupkg .nupkg); version=${version#GoldenPath.Templates.}
  local target; target=$(echo "$version" | awk -F'[.-]' '{print $1 "." $2 + 1 ".0"}')
  mkdir -p "$next" && cp "$root"/{Directory.Build.props,Directory.Packages.props,global.json} "$next"/ || return 1
  (cd "$root/templates" && tar --exclude=bin --exclude=obj -cf - GoldenPath.Templates) | tar -C "$next" -xf - || return 1
  sed -i 's|^      - run: dotnet build -warnaserror$|      - name: Check the formatting\n        run: dotnet format --verify-no-changes\n&|' "$next/GoldenPath.Templates/content/shared/.github/workflows/golden-path.yml"
  printf '# gp-template-name runbook\n' >"$next/GoldenPath.Templates/content/shared/RUNBOOK.md"
  dotnet pack "$next/GoldenPath.Templates/GoldenPath.Templates.csproj" -c Release -o "$feed" -p:VersionPrefix="$target" -v q -clp:NoSummary -nologo >/dev/null || return 1
  printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /><add key="local" value="%s" /></packageSources></configuration>\n' "$feed" >"$gen/nuget.config"
  dotnet new install "$feed/GoldenPath.Templates.$version.nupkg" --debug:custom-hive "$work/up-hive" >/dev/null || return 1
  dotnet new platform-api -n orders-api --owner team-payments -o "$gen/orders-api" --skip-restore --debug:custom-hive "$work/up-hive" >/dev/null || return 1
  (cd "$gen/orders-api" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm generated \
    && sed -i 's|^app.MapItemsApi();$|&\napp.MapGet("/team", () => "team-payments");|' src/orders-api/Program.cs \
    && git -c user.name=bench -c user.email=bench@example.com commit -qam "the team's edit") || return 1
  local env="GOLDENPATH_TEMPLATE_CACHE=$cache"
  (cd "$gen/orders-api" && hyperfine --runs "$template_runs" --export-markdown "$work/upgrade.md" \
    --prepare "git reset -q --hard && git clean -qfd && rm -rf $cache" -n "upgrade, empty template cache (installs both versions)" "env $env dotnet $cli upgrade --to $target" \
    --prepare "git reset -q --hard && git clean -qfd" -n "upgrade, both versions cached (render x2 + merge)" "env $env dotnet $cli upgrade --to $target" \
    --prepare "true" -n "upgrade --check, up to date (resolves the newest: one dotnet new install)" "env $env dotnet $cli upgrade --check || true" \
    --prepare "true" -n "one dotnet new render alone" "rm -rf $work/up-render && dotnet new platform-api -n orders-api --owner team-payments -o $work/up-render --skip-restore --debug:custom-hive $cache/$version" \
    --prepare "true" -n "one dotnet new install into an empty hive" "rm -rf $work/up-hive2 && dotnet new install GoldenPath.Templates::$target --debug:custom-hive $work/up-hive2" \
    --prepare "true" -n "goldenpath --help (the tool's own start)" "dotnet $cli --help" >/dev/null) || return 1
  {
    echo "## 6. Upgrade"
    echo
    echo "\`goldenpath upgrade\` of a generated \`platform-api\` service from $version to $target (one more workflow step, one more file; the team's"
    echo "edit in Program.cs), hyperfine, $template_runs runs, what it is made of below it:"
    echo
    cat "$work/upgrade.md"
    echo
  } >>"$work/results.md"
}

# 7. The portal's pages on 1,000 services with a year of deployments: a platform of its own on PostgreSQL, seeded
# through the API, with a Prometheus-shaped listener for the objectives (so that some services reach Gold).
section_portal() {
  start_postgres goldenpath-bench-portal-postgres || return 1
  local prometheus_port; prometheus_port=$(free_port)
  ASPNETCORE_URLS="http://127.0.0.1:$prometheus_port" dotnet "$root/bench/GoldenPath.Bench/bin/Release/net10.0/GoldenPath.Bench.dll" prometheus --every 3 >"$work/prometheus.log" 2>&1 &
  pids+=($!)
  # Instances stay live through the run (no heartbeats are sent); reads are not limited (one reader, many requests).
  GoldenPath__Platform__PrometheusUrl="http://127.0.0.1:$prometheus_port/" GoldenPath__Platform__InstanceTtl=02:00:00 \
  # The deployments are written into the tables by hand; the periodic job writes their DORA facts within seconds.
  GoldenPath__Platform__ReadsPerSecond=100000 GoldenPath__Platform__ReadBurst=100000 GoldenPath__Platform__BackgroundJobInterval=00:00:05 \
  start_platform "$postgres_connection"
  {
    echo "## 7. Portal pages (PostgreSQL $postgres_image)"
    echo
    bench portal --platform "$platform_url/" --token "$token" --postgres-container goldenpath-bench-portal-postgres --services 1000 --weeks 52 --seconds "$portal_seconds" \
      --counters "$work/tools/dotnet-counters" --platform-pid "$platform_pid" || return 1
    echo
  } >>"$work/results.md"
  kill "$platform_pid" 2>/dev/null || true
  docker rm -f goldenpath-bench-portal-postgres >/dev/null 2>&1 || true
}

# 8. The platform as 1, 2 and 3 replicas on one PostgreSQL, the heartbeats spread over them (docs/operations.md sizes from it).
section_replicas() {
  load_images_env "$root"
  local image="${GOLDENPATH_POSTGRES_IMAGE:-docker.io/library/postgres:17}" name=goldenpath-bench-replicas-postgres
  docker rm -f "$name" >/dev/null 2>&1 || true
  docker run -d --name "$name" -e POSTGRES_PASSWORD=bench -p 127.0.0.1::5432 "$image" >/dev/null || return 1
  local port; port=$(docker port "$name" 5432/tcp | head -1 | sed 's/.*://')
  local deadline=$((SECONDS + 60))
  until docker exec "$name" pg_isready -U postgres -q 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "PostgreSQL ($image) did not start within 60 s"
    sleep 0.5
  done
  local host=127.0.0.1 address id cpu=""
  address=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$name")
  if [ -n "$address" ] && timeout 2 bash -c "</dev/tcp/$address/5432" 2>/dev/null; then host=$address; port=5432; fi
  # PostgreSQL's CPU time, from its container's cgroup (v1, or v2 under systemd): CPU per heartbeat is what sizes it.
  id=$(docker inspect -f '{{.Id}}' "$name")
  for f in "/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage" "/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat"; do
    [ -r "$f" ] && { cpu=$f; break; }
  done
  local rates=1000,2000,3000 n i urls pids
  $quick && rates=1000,2000
  {
    echo "## 8. Replicas on one PostgreSQL (PostgreSQL $image)"
    echo
    echo "| replicas | heartbeats offered/s | achieved/s | p50 ms | p99 ms (min–max) | errors | one service read p95 ms | read errors | replicas' CPU ms per heartbeat | PostgreSQL CPU ms per heartbeat |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for n in 1 2 3; do
      docker exec "$name" createdb -U postgres "replicas$n" || return 1
      urls=(); pids=()
      for i in $(seq 1 "$n"); do
        GoldenPath__Platform__ShutdownDelay=00:00:00 start_platform "Host=$host;Port=$port;Username=postgres;Password=bench;Database=replicas$n;Maximum Pool Size=30"
        urls+=("$platform_url/"); pids+=("$platform_pid")
      done
      bench replicas-load --platforms "$(IFS=,; echo "${urls[*]}")" --pids "$(IFS=,; echo "${pids[*]}")" --postgres-cpu "$cpu" --token "$token" \
        --instances 10000 --services 1000 --rounds "$load_rounds" --seconds "$load_seconds" --rates "$rates" || return 1
      for i in "${pids[@]}"; do kill "$i" 2>/dev/null; wait "$i" 2>/dev/null || true; done
    done
    echo
    echo "Each row: that many replicas (Release, each with a pool of 30 connections) on one PostgreSQL, all on this machine's $(nproc) cores"
    echo "with the load generator; 10,000 instances of 1,000 services, heartbeats sent open loop to the replicas in turn (as a Service spreads"
    echo "connections), catalog reads of one service at 20/s alongside; $load_rounds rounds of $load_seconds s per rate, medians of the rounds. CPU per"
    echo "heartbeat: the replicas' user+system time (/proc) and PostgreSQL's container's (its cgroup) over a run, divided by the heartbeats achieved."
    echo
  } >>"$work/results.md"
}

header() {
  {
    echo "# GoldenPath benchmarks"
    echo
    echo "Written by \`bench/run.sh$($quick && echo ' --quick')\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Every ratio compares runs made side by side in this"
    echo "invocation; the machine is shared, so compare ratios, not absolute numbers, across runs."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| machine | $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r) |"
    echo "| CPU | $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//') |"
    echo "| .NET | SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}') |"
    echo "| GoldenPath | $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown) |"
    echo "| tools | $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(hyperfine --version) |"
    echo
  } >"$work/results.md"
}

if [ "$only" = platform ]; then
  run_step "tools (dotnet-counters)" dotnet tool install --tool-path "$work/tools" dotnet-counters --version 10.0.750501
  run_step "build the benchmarks and the platform (Release)" build_before
  # --quick: the goal's rate alone, three short rounds, so that an A/B stays within a few minutes.
  if $quick; then load_rounds=3; load_seconds=8; platform_rates=2000; fi
  : >"$work/results.md"
  run_step "3. platform under load" section_platform
  cat "$work/results.md"
  exit 0
fi

if [ "$only" = startup ]; then
  run_step "build the benchmarks, the platform, ReadyToRun and Native AOT publishes" build
  : >"$work/results.md"
  only_startup() { start_services_under_test || return 1; section_startup >>"$work/results.md"; }
  run_step "2. start-up" only_startup
  cat "$work/results.md"
  exit 0
fi

if [ "$only" = portal ]; then
  run_step "tools (dotnet-counters)" dotnet tool install --tool-path "$work/tools" dotnet-counters --version 10.0.750501
  run_step "build the benchmarks and the platform (Release)" build_platform
  : >"$work/results.md"
  run_step "7. portal pages" section_portal
  cat "$work/results.md"
  exit 0
fi

if [ "$only" = upgrade ]; then
  command -v hyperfine >/dev/null || fail "hyperfine is missing" "install it (Debian: apt-get install hyperfine)"
  : >"$work/results.md"
  run_step "6. goldenpath upgrade" section_upgrade
  cat "$work/results.md"
  exit 0
fi

if [ "$only" = replicas ]; then
  : >"$work/results.md"
  run_step "build the benchmarks and the platform (Release)" bash -c "dotnet build '$root/bench/GoldenPath.Bench/GoldenPath.Bench.csproj' -c Release -v q -clp:NoSummary -nologo && dotnet build '$root/platform/GoldenPath.Platform/GoldenPath.Platform.csproj' -c Release -v q -clp:NoSummary -nologo"
  run_step "8. replicas on one PostgreSQL" section_replicas
  cat "$work/results.md"
  exit 0
fi

run_step "tools (wrk, hyperfine, dotnet-counters)" ensure_tools
run_step "prerequisites (Docker engine, images)" "$root/build.sh" prereqs
run_step "build the benchmarks and the platform (Release)" build
header
run_step "1-2. request overhead and start-up" section_overhead_startup
run_step "3. platform under load" section_platform
run_step "4. manifests at scale" section_manifests
run_step "5. templates" section_templates
run_step "6. goldenpath upgrade" section_upgrade
run_step "7. portal pages" section_portal
run_step "8. replicas on one PostgreSQL" section_replicas
cp "$work/results.md" "$root/bench/results.md"
echo "Wrote bench/results.md"

#!/usr/bin/env bash
# ./build.sh run — builds and starts the app host with the dashboard, in the foreground; Ctrl+C stops it
# and everything it started. The built app host is run directly (not through `dotnet run`) so that the
# signal reaches it and it can stop its containers and DCP helpers.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

configuration="${CONFIGURATION:-Debug}"
run_step "build the app host ($configuration)" \
  dotnet build "$root/AppHost/GoldenPath.AppHost.csproj" --nologo -c "$configuration" -v quiet -clp:NoSummary

export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${GOLDENPATH_DASHBOARD_URL:-http://localhost:15080}"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="${ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL:-http://localhost:19080}"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="${ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL:-http://localhost:20080}"

cat <<TEXT
==> starting the stack: platform, PostgreSQL, Redis, user-api, orders-worker
    dashboard:     $ASPNETCORE_URLS  (the login link with its token is printed below: "Login to the dashboard at ...")
    platform API:  http://localhost:5080/api/v1/services   (anonymous reads are on locally)
    user-api:      http://localhost:5280/users
    images:        postgres=${GOLDENPATH_POSTGRES_IMAGE:-official}  redis=${GOLDENPATH_REDIS_IMAGE:-official}
    Ctrl+C stops everything.
TEXT
cd "$root/AppHost"
exec "$root/AppHost/bin/$configuration/net10.0/GoldenPath.AppHost" "$@"

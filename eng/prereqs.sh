#!/usr/bin/env bash
# ./build.sh prereqs — makes sure what the tests and the app host need is here, idempotently:
#   1. a Docker engine that speaks API >= 1.44 (what Testcontainers 4.x and Aspire need);
#   2. PostgreSQL and Redis container images: the official ones where a registry answers, otherwise
#      images built locally from Debian packages that honour the official images' contract.
# The chosen image names are written to artifacts/images.env for the tests and the app host.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

readonly min_api="1.44"
readonly official_postgres="docker.io/library/postgres:17"
readonly official_redis="docker.io/library/redis:7.4"
readonly local_postgres="goldenpath.local/postgres:15"
readonly local_redis="goldenpath.local/redis:7"
readonly images_env="$root/artifacts/images.env"
readonly dockerd_log="$root/artifacts/logs/dockerd.log"

engine_api() { docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true; }

api_at_least() { # $1 >= $2, both "major.minor"
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n | head -n1)" = "$2" ]
}

wait_for_engine() {
  local deadline=$((SECONDS + ${1:-60}))
  while [ $SECONDS -lt $deadline ]; do
    [ -n "$(engine_api)" ] && return 0
    sleep 1
  done
  return 1
}

is_debian_root() {
  [ "$(id -u)" = 0 ] && [ -r /etc/os-release ] && grep -q '^ID=debian' /etc/os-release
}

print_docker_instructions() {
  cat >&2 <<'TEXT'
A Docker engine with API >= 1.44 is needed for the container tests and the app host.
  - Docker Desktop, or Docker Engine >= 25 from https://docs.docker.com/engine/install/, then start it;
  - or Podman >= 4.7 with its Docker-compatible socket (DOCKER_HOST=unix:///run/user/$UID/podman/podman.sock).
Then run ./build.sh prereqs again. On Debian as root, ./build.sh prereqs installs one itself.
TEXT
}

install_docker_debian() {
  # Debian 12's docker.io speaks API 1.41, too old for Testcontainers 4.x. Debian 13's docker.io runs on
  # Debian 12's libc, so only docker itself comes from trixie (pinned low, so nothing else upgrades).
  local codename
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$codename" = "bookworm" ]; then
    add_trixie_source "docker.io"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends containerd runc tini iptables >/dev/null
    apt-get install -y -qq --no-install-recommends docker.io/trixie docker-cli/trixie >/dev/null
  else
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  fi
}

start_dockerd() {
  mkdir -p "$(dirname "$dockerd_log")"
  step_note "starting dockerd (log: ${dockerd_log#"$root"/})"
  # setsid: the engine outlives this script and its test run, like a system service would.
  setsid nohup /usr/sbin/dockerd >"$dockerd_log" 2>&1 </dev/null &
  if ! wait_for_engine 60; then
    fail "dockerd did not answer within 60 s. See ${dockerd_log#"$root"/} (last lines below)." \
      "$(tail -n 15 "$dockerd_log" 2>/dev/null)"
  fi
}

ensure_docker() {
  local api
  api="$(engine_api)"
  if [ -n "$api" ] && api_at_least "$api" "$min_api"; then
    step_note "Docker engine answers (API $api)"
    return 0
  fi
  if [ -n "$api" ]; then
    if ! is_debian_root; then
      echo "The Docker engine answers with API $api; GoldenPath needs >= $min_api." >&2
      print_docker_instructions
      exit 1
    fi
    fail "The running Docker engine speaks API $api; GoldenPath needs >= $min_api." \
      "Stop it (e.g. 'pkill dockerd') and run ./build.sh prereqs again to install a newer one."
  fi
  if ! is_debian_root; then
    echo "No Docker engine answers (docker version failed)." >&2
    print_docker_instructions
    exit 1
  fi
  if [ ! -x /usr/sbin/dockerd ] || ! api_at_least "$(dockerd_api_of_installed)" "$min_api"; then
    step_note "installing the Docker engine from Debian's packages"
    install_docker_debian
  fi
  start_dockerd
  api="$(engine_api)"
  api_at_least "$api" "$min_api" ||
    fail "The Docker engine started but speaks API $api; GoldenPath needs >= $min_api."
  step_note "Docker engine answers (API $api)"
}

dockerd_api_of_installed() {
  # docker.io 26+ speaks API 1.45; 20.10 (Debian 12) speaks 1.41.
  local v
  v="$(dpkg-query -W -f='${Version}' docker.io 2>/dev/null || true)"
  case "$v" in
    2[6-9].*|[3-9][0-9].*) echo "1.45" ;;
    *) echo "1.0" ;;
  esac
}

registry_answers() {
  # A pull that succeeds within the time limit means the official images can be had.
  timeout 60 docker pull -q "$official_postgres" >/dev/null 2>&1 &&
    timeout 60 docker pull -q "$official_redis" >/dev/null 2>&1
}

# Bump when build_local_images changes what goes into the images; the entrypoints are hashed as they are.
readonly image_recipe_version=1

recipe_hash() {
  { echo "$image_recipe_version"; cat "$root/eng/images/postgres-entrypoint.sh" "$root/eng/images/redis-entrypoint.sh"; } |
    sha256sum | cut -c1-16
}

image_is_current() { # $1 image, $2 recipe hash
  [ "$(docker image inspect -f '{{ index .Config.Labels "dev.goldenpath.recipe" }}' "$1" 2>/dev/null || true)" = "$2" ]
}

build_local_images() {
  local hash
  hash="$(recipe_hash)"
  if image_is_current "$local_postgres" "$hash" && image_is_current "$local_redis" "$hash"; then
    step_note "local images $local_postgres and $local_redis are current"
    return 0
  fi
  command -v debootstrap >/dev/null || {
    is_debian_root || fail "debootstrap is needed to build the local images." "Install it (apt-get install debootstrap) and run ./build.sh prereqs again."
    step_note "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  local rootfs
  rootfs="$(mktemp -d /tmp/goldenpath-rootfs.XXXXXX)"
  # shellcheck disable=SC2064 # expand now: the trap must remove this folder
  trap "rm -rf '$rootfs'" EXIT
  step_note "building a Debian 12 root filesystem with postgresql-15 and redis-server (about a minute)"
  debootstrap --variant=minbase --include=postgresql-15,redis-server bookworm "$rootfs" \
    >"$root/artifacts/logs/debootstrap.log" 2>&1 ||
    fail "debootstrap failed; see artifacts/logs/debootstrap.log." "$(tail -n 10 "$root/artifacts/logs/debootstrap.log")"
  # The package's default cluster and apt caches are not part of the image's contract.
  rm -rf "$rootfs/var/lib/postgresql/15" "$rootfs/etc/postgresql/15" "$rootfs/var/cache/apt/archives"/*.deb \
    "$rootfs/var/lib/apt/lists"/*
  install -m 0755 "$root/eng/images/postgres-entrypoint.sh" "$rootfs/usr/local/bin/docker-entrypoint.sh"
  install -m 0755 "$root/eng/images/redis-entrypoint.sh" "$rootfs/usr/local/bin/redis-entrypoint.sh"

  step_note "importing $local_postgres"
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' -c 'CMD ["postgres"]' \
    -c 'EXPOSE 5432' -c 'STOPSIGNAL SIGINT' \
    -c "LABEL dev.goldenpath.recipe=$hash" \
    -c 'LABEL org.opencontainers.image.description="PostgreSQL 15 from Debian 12 packages, built by GoldenPath build.sh prereqs"' \
    - "$local_postgres" >/dev/null || fail "docker import of $local_postgres failed (see the message above)."
  step_note "importing $local_redis"
  tar -C "$rootfs" -c . | docker import \
    -c 'ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]' -c 'CMD ["redis-server"]' \
    -c 'EXPOSE 6379' -c 'WORKDIR /data' \
    -c "LABEL dev.goldenpath.recipe=$hash" \
    -c 'LABEL org.opencontainers.image.description="Redis 7 from Debian 12 packages, built by GoldenPath build.sh prereqs"' \
    - "$local_redis" >/dev/null || fail "docker import of $local_redis failed (see the message above)."
  rm -rf "$rootfs"
  trap - EXIT
  docker image prune -f --filter "label=dev.goldenpath.recipe" >/dev/null
}

write_images_env() { # $1 postgres image or "", $2 redis image or "", $3 ryuk disabled (true/false)
  mkdir -p "$(dirname "$images_env")"
  {
    echo "# Written by ./build.sh prereqs. Unset (or empty) means the official images."
    echo "GOLDENPATH_POSTGRES_IMAGE=$1"
    echo "GOLDENPATH_REDIS_IMAGE=$2"
    [ "$3" = true ] && echo "TESTCONTAINERS_RYUK_DISABLED=true"
  } > "$images_env"
}

main() {
  mkdir -p "$root/artifacts/logs"
  ensure_docker
  if [ "${GOLDENPATH_PREREQS_LOCAL_IMAGES:-}" != "true" ] && registry_answers; then
    step_note "a registry answers: using the official images $official_postgres and $official_redis"
    write_images_env "" "" false
  else
    step_note "no registry answers: using images built from Debian packages"
    build_local_images
    write_images_env "$local_postgres" "$local_redis" true
  fi
  step_note "image settings written to ${images_env#"$root"/}"
}

main "$@"

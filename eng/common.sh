# Shared helpers for build.sh and the scripts under eng/. Sourced, not run.

step_note() { printf '    %s\n' "$*"; }

# fail "what went wrong" ["what to do about it" ...]
fail() {
  printf '\nerror: %s\n' "$1" >&2
  shift
  for line in "$@"; do printf '       %s\n' "$line" >&2; done
  exit 1
}

# run_step "description" command args... — prints what it does and how long it took.
run_step() {
  local description="$1"
  shift
  local started=$SECONDS
  printf '==> %s\n' "$description"
  if "$@"; then
    printf '<== %s (%ss)\n' "$description" "$((SECONDS - started))"
  else
    local rc=$?
    printf '<== %s FAILED after %ss (exit %s)\n' "$description" "$((SECONDS - started))" "$rc" >&2
    return "$rc"
  fi
}

# load_images_env — exports the image settings chosen by ./build.sh prereqs.
load_images_env() {
  local file="$1/artifacts/images.env"
  if [ -f "$file" ]; then
    set -a
    # shellcheck disable=SC1090
    source "$file"
    set +a
  fi
}

# Adds Debian 13 (trixie) as an apt source pinned at 100, once: nothing comes from it unless asked for by name
# (`apt-get install pkg/trixie`), so the rest of the system stays on Debian 12. $1 says what it is for.
add_trixie_source() {
  [ -f /etc/apt/sources.list.d/goldenpath-trixie.sources ] && return 0
  step_note "adding Debian 13 (trixie) as a low-priority apt source for $1"
  cat > /etc/apt/sources.list.d/goldenpath-trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  cat > /etc/apt/preferences.d/goldenpath-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
}

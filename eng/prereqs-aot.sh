#!/usr/bin/env bash
# Installs what a Native AOT publish needs besides the SDK (the ILCompiler packages come from NuGet): a C toolchain
# that links the native executable, clang (Debian's `clang`), with lld. Used by the `--aot` template tests and the
# ServiceDefaults Native AOT test (they publish with PublishAot), and by bench/run.sh's Native AOT rows.
# Skipped when a clang (`clang` or a versioned `clang-NN`) is already on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=eng/common.sh
source "$root/eng/common.sh"

present="$(command -v clang || compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n1 || true)"
if [ -n "$present" ]; then
  step_note "clang present: $present"
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  fail "clang is needed by Native AOT publishes (the --aot templates' tests) and is not installed." \
    "On Debian run ./build.sh prereqs as root; elsewhere install clang and lld (https://learn.microsoft.com/dotnet/core/deploying/native-aot/#prerequisites)."
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends clang lld >/dev/null
step_note "installed clang and lld: $(command -v clang)"

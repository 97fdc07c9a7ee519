#!/bin/sh
# Entrypoint of the locally built Redis image (goldenpath.local/redis).
#
# Like the official redis image: arguments that start with '-' (or a .conf file) are passed to
# redis-server, any other command runs as given, and with no arguments redis-server starts with
# protected mode off so that published ports answer (set a password with --requirepass in production).
# Aspire replaces this entrypoint with /bin/sh -c "redis-server ..."; that works too.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = "redis-server" ]; then
  shift
  mkdir -p /data
  cd /data
  exec redis-server --bind '* -::*' --protected-mode no --dir /data "$@"
fi

exec "$@"

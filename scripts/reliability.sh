#!/usr/bin/env bash
# Fault-injection suite (docs/reliability.md): real PostgreSQL, Redis, Celery worker, beat and
# gunicorn processes, killed, frozen, stopped and starved of disk while the tests check what
# HITSM promises. Needs root (a private PostgreSQL runs as the postgres user; a tmpfs is
# mounted for the full-disk scenario), redis-server and the PostgreSQL server binaries.
#   scripts/reliability.sh                        # the whole suite, as CI runs it
#   HITSM_REL_REDIS_PAUSE_SECONDS=20 scripts/reliability.sh -k redis   # quicker, one scenario
source "$(dirname "$0")/common.sh"
command -v uv >/dev/null || die "uv is required (scripts/common.sh need_tools installs it)"
command -v redis-server >/dev/null || die "redis-server is required"
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || die "PostgreSQL server binaries are required"
[ "$(id -u)" = 0 ] || die "run as root: scenarios 4 and 5 start a private PostgreSQL and mount a tmpfs"
install_backend
start_services  # the shared PostgreSQL holds the scenarios' throwaway hitsm_rel_* databases
export HITSM_REL_PG="${HITSM_REL_PG:-postgres://postgres@127.0.0.1:5432}"
export HITSM_REL_REDIS_PAUSE_SECONDS="${HITSM_REL_REDIS_PAUSE_SECONDS:-120}"
basetemp="$(mktemp -d /tmp/hitsm-reliability-XXXXXX)"  # process logs, kept for a failed run
cd "$BACKEND"
say "Fault injection (Redis frozen ${HITSM_REL_REDIS_PAUSE_SECONDS} s); logs in $basetemp"
uv run --frozen pytest -p no:cacheprovider -q -rP -n 2 --basetemp="$basetemp" tests/reliability "$@"
rm -rf "$basetemp"

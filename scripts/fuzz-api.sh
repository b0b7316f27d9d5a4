#!/usr/bin/env bash
# API fuzzing (issue 12): schemathesis generates requests from the OpenAPI schema for every
# operation, as the platform administrator, against a throwaway server with the demo hospital,
# and fails on any 5xx. Findings become regression tests (backend/hitsm/api/tests/test_fuzz_findings.py).
# Usage: bash scripts/fuzz-api.sh [--max-examples N] [extra schemathesis options]
source "$(dirname "$0")/common.sh"
PORT="${HITSM_FUZZ_PORT:-8797}"
export HITSM_DATA_DIR="$(mktemp -d /tmp/hitsm-fuzz-XXXXXX)"
export HITSM_SECRET_KEY="fuzz-$(python3 -c 'import secrets; print(secrets.token_urlsafe(40))')"
export HITSM_CELERY_EAGER=true HITSM_LOGIN_RATE=100000/min HITSM_SITE_URL="http://127.0.0.1:$PORT"
export HITSM_ALLOWED_HOSTS=127.0.0.1,localhost
unset DATABASE_URL REDIS_URL  # embedded mode: SQLite, no Redis
cleanup() { [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$HITSM_DATA_DIR"; }
trap cleanup EXIT
manage migrate --noinput -v 0
manage seed_demo >/dev/null
TOKEN="$(manage shell -c "
from hitsm.accounts.models import User
from hitsm.accounts.services import api_token_create
print(api_token_create(user=User.objects.get(username='admin'), name='fuzz')[1])
" | tail -1)"
(cd "$BACKEND" && exec uv run --frozen gunicorn config.wsgi -w 2 -b "127.0.0.1:$PORT" \
  --log-level warning >"$HITSM_DATA_DIR/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/auth/csrf/" >/dev/null && break; sleep 1; done
status=0
(cd "$BACKEND" && uv run --frozen schemathesis run "http://127.0.0.1:$PORT/api/schema/" \
  -H "Authorization: Token $TOKEN" --checks not_a_server_error --phases examples,fuzzing \
  --max-examples 2 --seed 20261126 -w 1 "$@") || status=$?
if [ "$status" -ne 0 ]; then
  say "Server errors (tracebacks) from $HITSM_DATA_DIR/server.log:"
  grep -B2 -A30 "Internal Server Error" "$HITSM_DATA_DIR/server.log" | tail -120 || true
fi
exit "$status"

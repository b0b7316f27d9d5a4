#!/usr/bin/env bash
# API fuzzing (issue 12): schemathesis generates requests from the OpenAPI schema for every
# operation against a throwaway server with the demo hospital, once per role: the platform
# administrator (admin, 2 examples per operation), an agent (agent_chen) and a requester
# (nurse_li, 1 example each). It fails on any 5xx and on any response that breaks the schema
# (response_schema_conformance); 401/403/404 for a role are expected and pass.
# Findings become regression tests (backend/hitsm/api/tests/test_fuzz_findings.py).
# Usage: bash scripts/fuzz-api.sh [extra schemathesis options, applied to every role]
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
TOKENS="$(manage shell -c "
from hitsm.accounts.models import User
from hitsm.accounts.services import api_token_create
for name in ('admin', 'agent_chen', 'nurse_li'):
    print(name, api_token_create(user=User.objects.get(username=name), name='fuzz')[1])
" | tail -3)"
token() { awk -v u="$1" '$1 == u { print $2 }' <<<"$TOKENS"; }
(cd "$BACKEND" && exec uv run --frozen gunicorn config.wsgi -w 2 -b "127.0.0.1:$PORT" \
  --log-level warning >"$HITSM_DATA_DIR/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/api/v1/auth/csrf/" >/dev/null && break; sleep 1; done
status=0
fuzz() {  # fuzz USERNAME MAX_EXAMPLES [extra options]
  local user="$1" examples="$2"
  shift 2
  say "Fuzzing as $user (--max-examples $examples)"
  # without a token every operation answers 401 and schemathesis only warns: fail instead
  [ -n "$(token "$user")" ] || { say "No API token for $user"; status=1; return; }
  (cd "$BACKEND" && uv run --frozen schemathesis run "http://127.0.0.1:$PORT/api/schema/" \
    -H "Authorization: Token $(token "$user")" \
    --checks not_a_server_error,response_schema_conformance --phases examples,fuzzing \
    --max-examples "$examples" --seed 20261126 -w 1 "$@") || status=1
}
# least privileged first: the administrator's run deletes and deactivates things
fuzz nurse_li 1 "$@"
fuzz agent_chen 1 "$@"
fuzz admin 2 "$@"
if [ "$status" -ne 0 ]; then
  say "Server errors (tracebacks) from $HITSM_DATA_DIR/server.log:"
  grep -B2 -A30 "Internal Server Error" "$HITSM_DATA_DIR/server.log" | tail -120 || true
fi
exit "$status"

#!/usr/bin/env bash
# One command to try HITSM: installs, builds, migrates, loads the demo hospital and starts the
# web server, worker and beat (embedded mode: SQLite, no other services).
source "$(dirname "$0")/common.sh"
HOST="${HITSM_HOST:-127.0.0.1}"
PORT="${HITSM_PORT:-8000}"

need_tools
install_backend
install_frontend
build_frontend
export HITSM_SECRET_KEY_FILE="${HITSM_SECRET_KEY_FILE:-$(secret_key_file)}"
export HITSM_ALLOWED_HOSTS="${HITSM_ALLOWED_HOSTS:-127.0.0.1,localhost,$HOST}"
export HITSM_SITE_URL="${HITSM_SITE_URL:-http://$HOST:$PORT}"
say "Preparing the database in $HITSM_DATA_DIR"
manage migrate --noinput -v 0
manage collectstatic --noinput -v 0
manage seed_demo

# The demo hospital's WeCom is a fake WeCom server on 127.0.0.1 (never the internet): members are
# the demo accounts, and messages "from a phone" are pushed with its console or over HTTP, e.g.
#   curl -X POST http://127.0.0.1:8790/fake/push-text -d '{"from": "<wecom userid>", "content": "打印机卡纸"}'
# HITSM_DEMO_WECOM=false leaves WeCom off (configure a real one on the 企业微信 page instead).
PROCFILE="$ROOT/deploy/Procfile.embedded"
WECOM_LINE=""
if [ "${HITSM_DEMO_WECOM:-true}" = "true" ]; then
  WECOM_PORT="${HITSM_DEMO_WECOM_PORT:-8790}"
  export HITSM_WECOM_ENABLED=true HITSM_WECOM_BASE_URL="http://127.0.0.1:$WECOM_PORT"
  export HITSM_WECOM_OAUTH_BASE_URL="http://127.0.0.1:$WECOM_PORT"
  # The fake's demo credentials (hitsm/wecom/fake.py), the same on both sides.
  eval "$(cd "$BACKEND" && uv run --frozen python -c 'from hitsm.wecom import fake as f
print(f"export HITSM_WECOM_CORP_ID={f.DEFAULT_CORP_ID} HITSM_WECOM_AGENT_ID={f.DEFAULT_AGENT_ID}")
print(f"export HITSM_WECOM_SECRET={f.DEFAULT_SECRET} HITSM_WECOM_TOKEN={f.DEFAULT_TOKEN}")
print(f"export HITSM_WECOM_AES_KEY={f.DEFAULT_AES_KEY}")')"
  PROCFILE="$HITSM_DATA_DIR/Procfile.demo"
  cp "$ROOT/deploy/Procfile.embedded" "$PROCFILE"
  echo "wecom: python manage.py wecom_fake --no-console --members-from-db --port $WECOM_PORT --callback $HITSM_SITE_URL/wecom/callback" >> "$PROCFILE"
  WECOM_LINE="  WeCom: a fake WeCom server on http://127.0.0.1:$WECOM_PORT (docs/wecom.md: try it from a \"phone\")"
fi

cat <<MSG

  HITSM 医院IT服务管理平台 is starting (embedded mode: SQLite + worker + beat)
  Web:   http://$HOST:$PORT/          Mobile H5: http://$HOST:$PORT/h5/
  API:   http://$HOST:$PORT/api/docs/
$WECOM_LINE
  Demo accounts above, all with password Hitsm@2026. Press Ctrl+C to stop.

MSG
cd "$BACKEND"
export HITSM_HOST="$HOST" HITSM_PORT="$PORT"
exec uv run --frozen honcho -f "$PROCFILE" start

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

cat <<MSG

  HITSM 医院IT服务管理平台 is starting (embedded mode: SQLite + worker + beat)
  Web:   http://$HOST:$PORT/          Mobile H5: http://$HOST:$PORT/h5/
  API:   http://$HOST:$PORT/api/docs/
  Demo accounts above, all with password Hitsm@2026. Press Ctrl+C to stop.

MSG
cd "$BACKEND"
export HITSM_HOST="$HOST" HITSM_PORT="$PORT"
exec uv run --frozen honcho -f "$ROOT/deploy/Procfile.embedded" start

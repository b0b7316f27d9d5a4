# Shared by scripts/*.sh: paths, tool checks, dependency installation.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BACKEND="$ROOT/backend"
FRONTEND="$ROOT/frontend"
export HITSM_DATA_DIR="${HITSM_DATA_DIR:-$ROOT/var}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # browser tests use Debian's /usr/bin/chromium

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }
die() { printf '\033[1;31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

need_tools() {
  command -v python3 >/dev/null || die "python3 (3.11) is required"
  python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
    || die "Python 3.11 is required (found $(python3 --version 2>&1))"
  command -v node >/dev/null || die "Node.js 20 is required"
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' \
    || die "Node.js 20 or newer is required (found $(node --version))"
  if ! command -v uv >/dev/null; then
    say "Installing uv (Python package manager) with pip"
    python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
  fi
}

install_backend() {
  say "Installing Python dependencies (uv sync --frozen)"
  (cd "$BACKEND" && uv sync --frozen --quiet)
}

install_frontend() {
  local stamp="$FRONTEND/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$FRONTEND/package-lock.json" -nt "$stamp" ]; then
    say "Installing front-end dependencies (npm ci)"
    (cd "$FRONTEND" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build_frontend() {
  say "Building the web and H5 apps"
  (cd "$FRONTEND" && npm run build --silent)
}

manage() { (cd "$BACKEND" && uv run --frozen python manage.py "$@"); }

secret_key_file() {
  mkdir -p "$HITSM_DATA_DIR"
  local file="$HITSM_DATA_DIR/secret_key"
  if [ ! -s "$file" ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "$file")
  fi
  echo "$file"
}

start_services() {
  # PostgreSQL and Redis for the production-like test run; started when they are down.
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

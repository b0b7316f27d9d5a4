#!/usr/bin/env bash
# One command runs every test: static checks, backend on SQLite and on PostgreSQL + Redis,
# front-end unit tests and type checks, and the Playwright suite in Debian's Chromium.
source "$(dirname "$0")/common.sh"
export HITSM_DATA_DIR="$(mktemp -d /tmp/hitsm-test-XXXXXX)"
PG_URL="${HITSM_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hitsm}"
REDIS_TEST_URL="${HITSM_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
failed=()
step() { local name="$1"; shift; say "$name"; if ! "$@"; then failed+=("$name"); fi; }

need_tools
install_backend
install_frontend
start_services

cd "$BACKEND"
step "ruff lint" uv run --frozen ruff check .
step "ruff format" uv run --frozen ruff format --check .
step "mypy" env HITSM_DEBUG=true uv run --frozen mypy .
step "django checks" env HITSM_DEBUG=true uv run --frozen python manage.py check --fail-level WARNING
step "migrations are up to date" env HITSM_DEBUG=true uv run --frozen python manage.py makemigrations --check --dry-run
schema_check() {
  local tmp; tmp="$(mktemp --suffix=.json)"
  HITSM_DEBUG=true uv run --frozen python manage.py spectacular --format openapi-json \
    --validate --fail-on-warn --file "$tmp" 2>/dev/null
  diff -q "$tmp" "$FRONTEND/packages/api/openapi.json" >/dev/null \
    || { echo "frontend/packages/api/openapi.json is stale: run 'make schema'"; return 1; }
}
step "OpenAPI schema is committed and current" schema_check
step "backend tests on SQLite" uv run --frozen pytest -q -p no:cacheprovider -n 2
step "backend tests on PostgreSQL + Redis" env DATABASE_URL="$PG_URL" REDIS_URL="$REDIS_TEST_URL" \
  uv run --frozen pytest -q -p no:cacheprovider -n 2
step "reliability (fault injection)" bash "$ROOT/scripts/reliability.sh"

bench_smoke() {
  local dir; dir="$(mktemp -d /tmp/hitsm-bench-smoke-XXXXXX)"
  (cd "$ROOT/bench" && HITSM_DATA_DIR="$dir" uv run --project ../backend --frozen python generate.py \
      --profile HOSP-SMOKE --reset >/dev/null \
    && HITSM_DATA_DIR="$dir" uv run --project ../backend --frozen python run.py --label ci-smoke \
      --repeat 1 --create-seconds 2 --clients 4 --output "$dir" \
    && HITSM_DATA_DIR="$dir" uv run --project ../backend --frozen python load.py --label ci-smoke-load \
      --smoke --output "$dir" --locust-venv "$dir/locust")
}
step "benchmark harness smoke (timings not judged)" bench_smoke
step "API fuzzing: no 5xx or schema violation, three roles (schemathesis)" bash "$ROOT/scripts/fuzz-api.sh"

cd "$FRONTEND"
step "front-end lint" npm run --silent lint
step "front-end type check" npm run --silent typecheck
step "front-end unit tests" npm run --silent test
step "front-end build" npm run --silent build
step "browser tests (Playwright, Chromium)" env CI=1 npm run --silent e2e

if [ ${#failed[@]} -gt 0 ]; then
  printf '\033[1;31mFAILED: %s\033[0m\n' "${failed[@]}"
  exit 1
fi
say "All checks passed."

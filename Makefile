.PHONY: run test lint build schema messages bench bench-postgres bench-data-100k bench-load bench-peer bench-load-1m bench-peer-1m help
help:
	@echo "make run      install, build, migrate, load demo data and start HITSM (embedded mode)"
	@echo "make test     run every test (what CI runs)"
	@echo "make lint     ruff, mypy, eslint, vue-tsc"
	@echo "make schema   regenerate the OpenAPI schema and the typed front-end client"
	@echo "make messages refresh and compile backend translations"
	@echo "make bench    HOSP-100K benchmark on SQLite; make bench-postgres: HOSP-1M on PostgreSQL"
	@echo "make bench-load / bench-peer  Locust mixed workload / django-helpdesk side by side (HOSP-100K, PostgreSQL)"
	@echo "make bench-load-1m / bench-peer-1m  the same on HOSP-1M (after make bench-postgres): the issue's targets"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	cd backend && uv run ruff check . && uv run ruff format --check . && HITSM_DEBUG=true uv run mypy .
	cd frontend && npm run lint && npm run typecheck

build:
	cd frontend && npm ci && npm run build

schema:
	cd backend && HITSM_DEBUG=true uv run python manage.py spectacular --format openapi-json \
		--validate --fail-on-warn --file ../frontend/packages/api/openapi.json
	cd frontend && npm run gen:api

messages:
	cd backend && HITSM_DEBUG=true uv run python manage.py makemessages -l en --ignore=.venv --ignore='*/tests/*' \
		&& HITSM_DEBUG=true uv run python manage.py compilemessages --ignore=.venv

bench:
	rm -rf /tmp/hitsm-bench-sqlite
	cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-sqlite uv run --project ../backend python generate.py --profile HOSP-100K --reset
	cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-sqlite uv run --project ../backend python run.py --label HOSP-100K-sqlite
	cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-sqlite uv run --project ../backend python load.py --label LOAD-HOSP-100K-sqlite --seconds 60

bench-postgres:
	psql -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS hitsm_bench" -c "CREATE DATABASE hitsm_bench"
	cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench uv run --project ../backend python generate.py --profile HOSP-1M --reset
	cd bench && HITSM_DATA_DIR=/tmp/hitsm-bench-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench uv run --project ../backend python run.py --label HOSP-1M-postgresql

BENCH100K = HITSM_DATA_DIR=/tmp/hitsm-bench100k DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench100k REDIS_URL=redis://127.0.0.1:6379/11

bench-data-100k:  # HOSP-100K into PostgreSQL database hitsm_bench100k, unless it is there
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'hitsm_bench100k'" | grep -q 1 \
		|| (createdb -h 127.0.0.1 -U postgres hitsm_bench100k && cd bench && $(BENCH100K) uv run --project ../backend python generate.py --profile HOSP-100K --reset)

bench-load: bench-data-100k
	cd bench && $(BENCH100K) uv run --project ../backend python load.py --label LOAD-HOSP-100K-postgresql-pace1 --pace 1
	cd bench && $(BENCH100K) uv run --project ../backend python load.py --label LOAD-HOSP-100K-postgresql-pace5 --pace 5 --seconds 120

bench-peer: bench-data-100k
	cd bench && $(BENCH100K) uv run --project ../backend python peer.py --label PEER-HOSP-100K-postgresql

BENCH1M = HITSM_DATA_DIR=/tmp/hitsm-bench-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitsm_bench REDIS_URL=redis://127.0.0.1:6379/11

bench-load-1m:  # HOSP-1M in hitsm_bench (make bench-postgres first); ~25 min
	cd bench && $(BENCH1M) uv run --project ../backend python load.py --label LOAD-HOSP-1M-postgresql-10x-peak-10min --times-peak 10 --seconds 600
	cd bench && $(BENCH1M) uv run --project ../backend python load.py --label LOAD-HOSP-1M-postgresql-pace4-worker-10min --pace 4 --seconds 600 --with-worker

bench-peer-1m:  # django-helpdesk reloaded to HOSP-1M's size, side by side
	cd bench && $(BENCH1M) uv run --project ../backend python peer.py --label PEER-HOSP-1M-postgresql --reset

.PHONY: run test lint build schema messages bench help
help:
	@echo "make run      install, build, migrate, load demo data and start HITSM (embedded mode)"
	@echo "make test     run every test (what CI runs)"
	@echo "make lint     ruff, mypy, eslint, vue-tsc"
	@echo "make schema   regenerate the OpenAPI schema and the typed front-end client"
	@echo "make messages refresh and compile backend translations"

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

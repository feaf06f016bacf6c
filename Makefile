# graphdesk developer tasks.
#
#   make run     create .venv if needed, install graphdesk, serve the API in development
#                (settings from GRAPHDESK_* / NEO4J_* variables, in the environment
#                or on the command line: make run GRAPHDESK_PORT=9000 ARGS=--no-demo)
#   make test    dev install, Cypher linter harness, Neo4j test server, ruff, mypy,
#                pytest (on the embedded graph and on a real Neo4j server)
#   make neo4j-server  build the Neo4j Community server the tests start (Maven, Java 17)
#   make neo4j   run a Neo4j Community server in the foreground for
#                `GRAPHDESK_GRAPH=neo4j make run`: bolt://127.0.0.1:7687, Neo4j Browser
#                at http://127.0.0.1:7474/browser/, no auth, data under data/neo4j/
#   make lint    ruff check, ruff format --check, mypy
#   make bench   every bench/*.py but the screenshot capture (results under bench/results/)
#   make graphiql  rebuild GraphiQL's assets (api/static/graphiql) from web/graphiql
#   make graphiql-check  rebuild them elsewhere and compare with the committed ones
#   make clean   caches and build output (never the graph data)
#
# Installs are redone only when pyproject.toml changed (stamp files inside .venv).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.graphdesk-installed
DEV_INSTALLED := $(VENV)/.graphdesk-dev-installed
CYPHER_LINT := tests/cypher-lint
GRAPHIQL := web/graphiql
NEO4J_SERVER := tests/neo4j-server
NEO4J_SERVER_JAR := $(NEO4J_SERVER)/target/neo4j-server-1.jar
NEO4J_PORT ?= 7687
NEO4J_HTTP_PORT ?= 7474
NEO4J_HOME ?= data/neo4j
ARGS ?=
PYTEST_ARGS ?=

# Settings given on the make command line reach the commands like environment ones.
$(foreach v,$(filter GRAPHDESK_% NEO4J_% XDG_DATA_HOME,$(.VARIABLES)),$(eval export $(v)))

.PHONY: run test lint bench clean install dev graphiql graphiql-check neo4j-server neo4j

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "python3.11 or python3 is needed to create $(VENV)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e .
	touch $@

$(DEV_INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@ $(INSTALLED)

install: $(INSTALLED)
dev: $(DEV_INSTALLED)

# Neo4j's Cypher linter (Node.js), used by the test suite; npm ci again only when
# the lock file changed.
ifneq ($(wildcard $(CYPHER_LINT)/package.json),)
CYPHER_LINT_INSTALLED := $(CYPHER_LINT)/node_modules/.package-lock.json
$(CYPHER_LINT_INSTALLED): $(CYPHER_LINT)/package.json $(CYPHER_LINT)/package-lock.json
	npm ci --prefix $(CYPHER_LINT)
	touch $@
endif

# A Neo4j Community server from Maven Central (version pinned in its pom.xml):
# its jars under target/lib, the launcher in target/.
$(NEO4J_SERVER_JAR): $(NEO4J_SERVER)/pom.xml $(wildcard $(NEO4J_SERVER)/src/main/java/graphdesk/*.java)
	mvn -q -B -f $(NEO4J_SERVER)/pom.xml package
	touch $@

neo4j-server: $(NEO4J_SERVER_JAR)

# Loopback only and no authentication: a development server, never a production one.
neo4j: $(NEO4J_SERVER_JAR)
	mkdir -p $(NEO4J_HOME)/conf
	printf '%s\n' 'dbms.security.auth_enabled=false' 'server.default_listen_address=127.0.0.1' \
		'server.bolt.listen_address=127.0.0.1:$(NEO4J_PORT)' \
		'server.bolt.advertised_address=127.0.0.1:$(NEO4J_PORT)' \
		'server.http.listen_address=127.0.0.1:$(NEO4J_HTTP_PORT)' \
		'server.https.enabled=false' > $(NEO4J_HOME)/conf/neo4j.conf
	java -cp "$(NEO4J_SERVER)/target/lib/*" org.neo4j.server.CommunityEntryPoint \
		--home-dir=$(NEO4J_HOME) --config-dir=$(NEO4J_HOME)/conf

# GraphiQL's script, styles and workers are bundled from pinned npm packages and
# committed, so `make run` needs no Node.js; these targets need Node.js and npm.
graphiql:
	npm ci --prefix $(GRAPHIQL) --no-audit --no-fund
	node $(GRAPHIQL)/build.mjs

graphiql-check:
	npm ci --prefix $(GRAPHIQL) --no-audit --no-fund
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		node $(GRAPHIQL)/build.mjs "$$tmp/graphiql" >/dev/null && \
		diff -rq api/static/graphiql "$$tmp/graphiql" || \
		{ echo "api/static/graphiql differs from a build of $(GRAPHIQL): run make graphiql" >&2; exit 1; }
	@echo "api/static/graphiql matches a fresh build of $(GRAPHIQL)"

# Development: GraphiQL, requests without a token allowed, and one token per role
# printed at start (`make run GRAPHDESK_ENV=production` to try production).
run: $(INSTALLED)
	GRAPHDESK_ENV=$${GRAPHDESK_ENV:-development} $(BIN)/graphdesk serve $(ARGS)

test: $(DEV_INSTALLED) $(CYPHER_LINT_INSTALLED) $(NEO4J_SERVER_JAR)
	$(BIN)/ruff check
	$(BIN)/mypy
	GRAPHDESK_REQUIRE_NEO4J=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV_INSTALLED)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

# bench/screenshots.py is not run: it captures the OCR set anew (root, Xvfb and the
# applications it names); bench/ocr_real.py measures the committed capture.
bench: $(DEV_INSTALLED)
	@set -e; for script in $(filter-out bench/screenshots.py,$(wildcard bench/*.py)); do \
		echo "== $$script"; \
		$(BIN)/python "$$script"; \
	done

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache bench/results/tmp $(NEO4J_SERVER)/target
	find . -path ./$(VENV) -prune -o -path ./$(CYPHER_LINT)/node_modules -prune -o \
		-path ./$(GRAPHIQL)/node_modules -prune -o \
		-name __pycache__ -type d -print0 | xargs -0 rm -rf

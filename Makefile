# WaiverDB development tasks. `make` alone lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

CONFIGURATION ?= Release
# `dotnet new sln` makes WaiverDb.slnx with .NET 10; either name works.
SOLUTION ?= $(or $(wildcard WaiverDb.sln),$(wildcard WaiverDb.slnx),WaiverDb.sln)
SERVICE_PROJECT := service/WaiverDb.Service.csproj
TEST_RESULTS := artifacts/test-results
# CI prints the summary itself as its very last line and sets this to no.
TEST_SUMMARY ?= yes
# Where the projects are; bin/ and obj/ below them are build output.
CODE_DIRS := $(wildcard service shared tests cli)

# make reliability / make soak: how long they run, in seconds.
RELIABILITY_SECONDS ?= 300
SOAK_SECONDS ?= 3600
RELIABILITY_REPORT := $(CURDIR)/docs/reliability.md

.PHONY: help build run test screenshots bench bench-micro reliability soak migrate db-start db-stop clean

help: ## List the targets
	@echo "WaiverDB: make TARGET"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| awk -F ':.*## ' '{ printf "  %-10s %s\n", $$1, $$2 }'

build: ## Build everything (Release)
	dotnet build $(SOLUTION) -c $(CONFIGURATION)

run: ## Serve the API for development on http://127.0.0.1:5004
	scripts/run-dev.sh

# dotnet test's status is kept so that the summary line can still be printed
# after a failure, and is what the target then exits with. Old TRX files are
# removed first because the summary adds up every TRX file in the folder.
test: ## Run the tests (installs their Debian packages if missing); results in artifacts/test-results
	@scripts/install-test-deps.sh
	@mkdir -p $(TEST_RESULTS)
	@rm -f $(TEST_RESULTS)/*.trx
	@status=0; \
	dotnet test $(SOLUTION) -c $(CONFIGURATION) \
		--filter "Category!=Soak" \
		--logger "trx;LogFilePrefix=results" \
		--logger "console;verbosity=normal" \
		--results-directory $(TEST_RESULTS) || status=$$?; \
	if [ "$(TEST_SUMMARY)" != no ]; then \
		scripts/test-summary.sh $(TEST_RESULTS) $$status || true; \
	fi; \
	exit $$status

screenshots: ## Retake the README's screenshots of the web pages into docs/ (runs the browser tests)
	@scripts/install-test-deps.sh
	WAIVERDB_UPDATE_SCREENSHOTS=1 dotnet test tests/WaiverDb.Web.Tests -c $(CONFIGURATION) --filter "FullyQualifiedName~BrowseTests|FullyQualifiedName~WaiverFormTests"

bench: ## Benchmark 10k and 1M waivers with wrk and pgbench; writes docs/benchmarks.md (~25 min)
	bench/run.sh

bench-micro: ## The service's CPU per request outside the database (BenchmarkDotNet); writes docs/benchmarks-micro.md (~3 min)
	bench/micro/run.sh

# The fault run also runs in `make test`, for 30 seconds, without writing the report.
reliability: ## Faults under load for RELIABILITY_SECONDS (300); figures in docs/reliability.md
	@scripts/install-test-deps.sh
	RELIABILITY_SECONDS=$(RELIABILITY_SECONDS) RELIABILITY_REPORT=$(RELIABILITY_REPORT) \
		dotnet test $(SOLUTION) -c $(CONFIGURATION) --filter "Category=Reliability" --logger "console;verbosity=detailed"

soak: ## Steady mixed load for SOAK_SECONDS (3600); memory, handles and backlog in docs/reliability.md
	@scripts/install-test-deps.sh
	SOAK_SECONDS=$(SOAK_SECONDS) RELIABILITY_REPORT=$(RELIABILITY_REPORT) \
		dotnet test $(SOLUTION) -c $(CONFIGURATION) --filter "Category=Soak" --logger "console;verbosity=detailed"

migrate: ## Bring the database schema up to date (same database as run)
	scripts/run-dev.sh migrate

db-start: ## Start the private development PostgreSQL (.local/pg)
	scripts/dev-postgres.sh start

db-stop: ## Stop the private development PostgreSQL
	scripts/dev-postgres.sh stop

# The development database in .local/pg is kept: it is data, not build output.
clean: ## Remove build output and test results
	rm -rf artifacts
	$(if $(CODE_DIRS),find $(CODE_DIRS) -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +)

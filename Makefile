# Developer shortcuts. The two set-up commands are bin/run and bin/test (see README).
.PHONY: run test bench lint

run:
	bin/run

test:
	bin/test

# The benchmark: PostgreSQL and Redis on 127.0.0.1 (as on the CI machine). BENCH_PRESET=county for a quick run.
bench:
	bin/bench

# ruff, the import contracts and mypy (the suite runs the last two too: tests/test_layers.py, tests/test_types.py).
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports && .venv/bin/mypy

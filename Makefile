# Two commands do all the set-up on a fresh clone:  make demo  |  make test
VENV ?= .venv
STAMP := $(VENV)/.aquapose-installed

.PHONY: setup demo test bench
setup:
	@bash tools/setup.sh $(VENV)

demo: setup
	$(VENV)/bin/aquapose demo --out demo_out

test: setup
	@VENV=$(VENV) FLAGS="$(FLAGS)" bash tools/test.sh

bench: setup
	$(VENV)/bin/python benchmarks/bench_core.py
	$(VENV)/bin/python benchmarks/bench_detect.py
	$(VENV)/bin/python benchmarks/bench_pseudo_label.py

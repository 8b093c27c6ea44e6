# make bench: play against ansible-playbook (default, tuned, Mitogen) and two
# floors on real loopback sshd daemons; writes $(BENCH_OUT). Needs root.
# BENCH_HOSTS=1,5,10,50 BENCH_REPEAT=5 BENCH_NOTE="idle machine" make bench
BENCH_HOSTS  ?= 1,5,10
BENCH_REPEAT ?= 3
BENCH_NOTE   ?=
BENCH_TOOLS  ?=
BENCH_OUT    ?= bench/results

.PHONY: bench bench-deps
bench: build bench-deps
	$(GO) build -o bin/bench ./bench
	bin/bench -play $(BIN) -hosts $(BENCH_HOSTS) -repeat $(BENCH_REPEAT) -tools "$(BENCH_TOOLS)" -note "$(BENCH_NOTE)" -out $(BENCH_OUT)

# bench-deps installs the peers from Debian: ansible-playbook and Mitogen.
bench-deps: deps
	@$(call apt_install,ansible-core ansible-mitogen)

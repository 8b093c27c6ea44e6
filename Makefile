# play: build, test and lint. `make test` is what CI runs (see .ci/run).
GO        ?= go
BIN       ?= bin/play
STATICCHECK := $(shell $(GO) env GOPATH)/bin/staticcheck
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all build test lint deps fmt fuzz bench-pertask

all: build

build:
	$(GO) build -o $(BIN) .

# apt_install installs the Debian packages of $(1) that are not installed yet.
define apt_install
missing=""; \
for p in $(1); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
	echo "installing:$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
fi
endef

# deps installs what the tests need on a fresh Debian 12 machine (as root):
# OpenSSH's sshd for the integration tests, sudo for become, ansible-core (the
# vault tests check files both ways with ansible-vault) and Debian's ansible
# collections (the e2e tests compare community.general, community.postgresql
# and ansible.posix modules with play's), staticcheck.
deps:
	@$(call apt_install,openssh-server openssh-client sudo iproute2 ansible-core ansible)
	@test -x $(STATICCHECK) || (cd /tmp && $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION))

lint: deps
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

test: lint
	$(GO) test -race -timeout 10m ./...
	$(MAKE) fuzz

# fuzz runs each parser's fuzz test for a short while (FUZZTIME each); a
# crash found is written under testdata/fuzz and fails the run.
FUZZTIME ?= 5s
FUZZ_TARGETS := FuzzLoad:./inventory FuzzSelect:./inventory FuzzLoad:./playbooks FuzzSplitKV:./playbooks FuzzRender:./jinja
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		name=$${t%%:*}; pkg=$${t#*:}; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

fmt:
	gofmt -w $$(git ls-files '*.go')

# Per-task overhead against one loopback sshd, compared with one bare SSH
# session round trip on an open connection (prints the ratio).
bench-pertask: deps
	$(GO) test -run '^$$' -bench 'PerTask' -benchtime 3x .

-include lab/lab.mk
-include demo/demo.mk
-include bench/bench.mk

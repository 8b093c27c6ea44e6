# The lab of real Debian hosts (lab/README.md). Included by the main Makefile. All targets need root.
#   make lab-up N=5                 db1 app1 app2 lb1 docker1 (or NAMES="web1 web2")
#   make lab-down                   everything the lab made is removed
#   make e2e                        lab + end-to-end tests (PLAY_BIN=ansible-playbook checks the tests)
GO           ?= go
LAB          := lab/lab
N            ?= 5
NAMES        ?=
E2E_TIMEOUT  ?= 25m

.PHONY: lab-up lab-down lab-status e2e

lab-up:
	$(LAB) up $(if $(strip $(NAMES)),$(NAMES),$(N))
	$(LAB) repo

lab-down:
	$(LAB) down

lab-status:
	$(LAB) status

# The base image and the repository are built (or found in /var/cache/play-lab) before the tests,
# whose TestMain boots the hosts; the lab is torn down whatever the tests did.
e2e:
	$(LAB) repo
	status=0; $(GO) test -count=1 -tags e2e -timeout $(E2E_TIMEOUT) ./e2e/... || status=$$?; \
	$(LAB) down || status=1; exit $$status

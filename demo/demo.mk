# make demo: the deployment play exists for, on five lab hosts (demo/demo.sh; needs root).
# Included by the main Makefile.
.PHONY: demo

demo:
	demo/demo.sh

package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"play/internal/sshtest"
)

// serveHosts is `bench hosts N`: it starts N benchmark hosts, writes the
// inventory and the workloads' playbooks, prints how to run them and keeps
// the hosts up until interrupted, for profiling one tool by hand (strace on
// an sshd, --profile, a delayed network).
func serveHosts(n int) error {
	lab, err := sshtest.StartBench(n)
	if err != nil {
		return err
	}
	defer lab.Close()
	dir := filepath.Join(lab.Dir, "run")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	inv := filepath.Join(dir, "hosts.yml")
	if err := lab.WriteInventory(inv, map[string]any{"bench_root": lab.Dir, "ansible_python_interpreter": "/usr/bin/python3"}); err != nil {
		return err
	}
	deploy, err := writeDeploy(dir)
	if err != nil {
		return err
	}
	for _, k := range []int{10, 100} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("trivial-%d.yml", k)), []byte(trivialPlaybook(k)), 0o644); err != nil {
			return err
		}
	}
	for _, s := range lab.Servers {
		fmt.Printf("%s %s:%d sshd pid %d\n", s.Name, s.Addr, s.Port, s.PID)
	}
	fmt.Printf("inventory %s\ndeploy %s\ntrivial %s\nCtrl-C (SIGINT/SIGTERM) stops the hosts\n", inv, deploy, filepath.Join(dir, "trivial-{10,100}.yml"))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return nil
}

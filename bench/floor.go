package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// floorConfig is what `bench floor FILE` runs: every host at once, one SSH
// connection each, one session per step, host keys checked. It is the least
// any SSH-based tool has to do for the workload.
type floorConfig struct {
	Key        string      `json:"key"`
	KnownHosts string      `json:"known_hosts"`
	Hosts      []floorHost `json:"hosts"`
}

type floorHost struct {
	Name  string `json:"name"`
	Addr  string `json:"addr"`
	Port  int    `json:"port"`
	Steps []step `json:"steps"`
}

func runFloor(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var cfg floorConfig
	if err := json.Unmarshal(data, &cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	key, err := os.ReadFile(cfg.Key)
	if err != nil {
		return err
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Key, err)
	}
	verify, err := knownhosts.New(cfg.KnownHosts)
	if err != nil {
		return err
	}
	client := &ssh.ClientConfig{User: "root", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: verify}
	errs := make([]error, len(cfg.Hosts))
	var wg sync.WaitGroup
	for i, h := range cfg.Hosts {
		wg.Go(func() { errs[i] = h.run(client) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (h floorHost) run(cfg *ssh.ClientConfig) error {
	client, err := ssh.Dial("tcp", net.JoinHostPort(h.Addr, strconv.Itoa(h.Port)), cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	defer client.Close()
	for i, st := range h.Steps {
		session, err := client.NewSession()
		if err != nil {
			return fmt.Errorf("%s: step %d: %w", h.Name, i+1, err)
		}
		session.Stdin = bytes.NewReader(st.Stdin)
		out, err := session.CombinedOutput(st.Script)
		if err != nil {
			return fmt.Errorf("%s: step %d (%s): %w: %s", h.Name, i+1, st.Script, err, out)
		}
	}
	return nil
}

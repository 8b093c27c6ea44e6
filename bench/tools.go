package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"play/internal/sshtest"
	"play/modules"
)

// rig is one set of hosts and the files every tool reads to work on them.
type rig struct {
	lab   *sshtest.Lab
	dir   string // inventory, playbooks, configs and scripts
	inv   string
	play  string // the play binary under test
	self  string // this program, which is also the Go floor
	hosts int
	// stopDelay closes the latency proxies in front of the hosts, if any.
	stopDelay func()
}

func (r *rig) close() error {
	r.stopDelay()
	return r.lab.Close()
}

// workload is what a tool is asked to do on every host.
type workload struct {
	name     string // deploy, trivial-10...
	playbook string
	steps    func(host, work string) []step
	ok       int // the ok count every host's recap line must show
}

// tool is one peer: how to run it on a rig, and whether it prints an Ansible
// recap whose counts the harness checks.
type tool struct {
	name  string
	about string
	recap bool
	argv  func(r *rig, w *workload) (argv, env []string, err error)
}

var tools = []tool{
	// A 60 s connection timeout (-T; Ansible's default is 10 s): 1,000
	// handshakes at once on a loaded 2-core machine can take longer, and the
	// Go floor waits for them without a limit.
	{name: "play", about: "bin/play, forks = hosts, -T 60", recap: true, argv: func(r *rig, w *workload) ([]string, []string, error) {
		return []string{r.play, "-i", r.inv, "-f", strconv.Itoa(r.hosts), "-T", "60", w.playbook}, nil, nil
	}},
	{name: "ansible", about: "ansible-playbook, Debian's defaults (forks 5, ControlPersist 60s, no pipelining)", recap: true, argv: ansible("ansible", "", "")},
	{name: "ansible-tuned", about: "pipelining, ControlPersist, forks = hosts", recap: true, argv: ansible("ansible-tuned", tunedDefaults, tunedSSH)},
	{name: "ansible-mitogen", about: "tuned + Debian's ansible-mitogen, strategy mitogen_linear", recap: true, argv: ansible("ansible-mitogen", tunedDefaults+mitogen, tunedSSH)},
	{name: "openssh", about: "floor: sh + OpenSSH client, ControlMaster per host, one ssh per task", argv: openssh},
	{name: "go-floor", about: "floor: x/crypto/ssh, one connection per host, one session per task", argv: goFloor},
}

// ansible.cfg lines of the tuned variants: [defaults], then [ssh_connection].
const (
	tunedDefaults = "forks = {forks}\n"
	tunedSSH      = "pipelining = True\nssh_args = -o ControlMaster=auto -o ControlPersist=300s\n"
	mitogen       = "strategy_plugins = /usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy\nstrategy = mitogen_linear\n"
)

// ansible runs ansible-playbook with an ansible.cfg named for the variant:
// the settings every variant shares plus its own.
func ansible(variant, defaults, ssh string) func(r *rig, w *workload) ([]string, []string, error) {
	return func(r *rig, w *workload) ([]string, []string, error) {
		cfg := "[defaults]\ninterpreter_python = /usr/bin/python3\nretry_files_enabled = False\nlocal_tmp = {tmp}\n" + defaults +
			"[ssh_connection]\ncontrol_path_dir = {cp}\n" + ssh
		cfg = strings.NewReplacer("{forks}", strconv.Itoa(r.hosts), "{tmp}", filepath.Join(r.dir, "tmp"), "{cp}", filepath.Join(r.dir, "cp")).Replace(cfg)
		path := filepath.Join(r.dir, variant+".cfg")
		if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
			return nil, nil, err
		}
		return []string{"ansible-playbook", "-i", r.inv, w.playbook}, []string{"ANSIBLE_CONFIG=" + path}, nil
	}
}

// openssh writes a shell script that runs every host at once, each with a
// ControlMaster connection and one ssh per step.
func openssh(r *rig, w *workload) ([]string, []string, error) {
	l := r.lab
	var b strings.Builder
	fmt.Fprintf(&b, "o='-i %s -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlPath=%s/%%C'\npids=\n",
		l.KeyFile, l.KnownHosts, filepath.Join(r.dir, "cp"))
	for _, s := range l.Servers {
		dest := fmt.Sprintf("-p %d root@%s", s.Port, s.Addr)
		fmt.Fprintf(&b, "(\nset -e\nssh $o %s -M -N -f\n", dest)
		for i, st := range w.steps(s.Name, l.WorkDir(s)) {
			in := "/dev/null"
			if st.Stdin != nil {
				in = filepath.Join(r.dir, "stdin", fmt.Sprintf("%s-%d", s.Name, i))
				if err := os.WriteFile(in, st.Stdin, 0o644); err != nil {
					return nil, nil, err
				}
			}
			fmt.Fprintf(&b, "ssh $o %s %s < %s >/dev/null\n", dest, modules.Quote(st.Script), in)
		}
		fmt.Fprintf(&b, "ssh $o %s -O exit 2>/dev/null\n) & pids=\"$pids $!\"\n", dest)
	}
	b.WriteString("fail=0\nfor p in $pids; do wait $p || fail=1; done\nexit $fail\n")
	path := filepath.Join(r.dir, "openssh-"+w.name+".sh")
	return []string{"/bin/sh", path}, nil, os.WriteFile(path, []byte(b.String()), 0o644)
}

func goFloor(r *rig, w *workload) ([]string, []string, error) {
	cfg := floorConfig{Key: r.lab.KeyFile, KnownHosts: r.lab.KnownHosts}
	for _, s := range r.lab.Servers {
		cfg.Hosts = append(cfg.Hosts, floorHost{Name: s.Name, Addr: s.Addr, Port: s.Port, Steps: w.steps(s.Name, r.lab.WorkDir(s))})
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join(r.dir, "floor-"+w.name+".json")
	return []string{r.self, "floor", path}, nil, os.WriteFile(path, data, 0o644)
}

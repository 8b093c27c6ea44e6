// Command play runs Ansible playbooks over SSH without installing anything on
// the hosts: `play -i hosts.yml site.yml`.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
	"go.yaml.in/yaml/v3"
	"golang.org/x/term"

	"play/connection"
	"play/diag"
	"play/internal/keyorder"
	"play/inventory"
	"play/playbooks"
	"play/runner"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries an exit code out of the CLI action.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "ERROR! Unexpected internal error: %v\n", p)
			code = runner.ExitInternal
		}
	}()
	cmd := newCommand(stdin, stdout, stderr)
	addSafetyOptions(cmd, stdin, stdout, stderr)
	addShardOptions(cmd, stdout, stderr)
	addProfileOption(cmd, stderr)
	err := cmd.Run(ctx, args)
	var ee exitError
	switch {
	case err == nil:
		return runner.ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintf(stderr, "ERROR! %v\n", err)
	return runner.ExitBadOptions
}

func newCommand(stdin io.Reader, stdout, stderr io.Writer) *cli.Command {
	return &cli.Command{
		Name:                      "play",
		Usage:                     "run Ansible playbooks over SSH, agentless and fast",
		ArgsUsage:                 "playbook.yml [playbook.yml ...]",
		Version:                   runner.Version,
		UseShortOptionHandling:    true,
		DisableSliceFlagSeparator: true,
		Writer:                    stdout,
		ErrWriter:                 stderr,
		// Bad options: a short message on stderr and exit 5, not the help.
		OnUsageError: func(_ context.Context, _ *cli.Command, err error, _ bool) error {
			fmt.Fprintf(stderr, "ERROR! %v\nusage: play [options] playbook.yml ... (play --help lists the options)\n", err)
			return exitError{runner.ExitBadOptions}
		},
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "inventory", Aliases: []string{"i"}, Usage: "inventory file, directory or host list host1,host2, (repeatable)"},
			&cli.StringFlag{Name: "limit", Aliases: []string{"l"}, Usage: "further limit hosts to a pattern (web:!web2, @file.retry)"},
			&cli.StringSliceFlag{Name: "extra-vars", Aliases: []string{"e"}, Usage: "extra variables: k=v, YAML/JSON, or @file (repeatable)"},
			&cli.IntFlag{Name: "forks", Aliases: []string{"f"}, Value: 5, Usage: "hosts to run in parallel", Sources: from("ANSIBLE_FORKS", "defaults", "forks", plainSetting)},
			&cli.BoolFlag{Name: "check", Aliases: []string{"C"}, Usage: "show what would change, change nothing"},
			&cli.BoolFlag{Name: "diff", Aliases: []string{"D"}, Usage: "show the differences in files and templates"},
			&cli.BoolFlag{Name: "syntax-check", Usage: "validate the playbooks and exit; connects to nothing"},
			&cli.BoolFlag{Name: "list-hosts", Usage: "list the hosts each play would run on"},
			&cli.BoolFlag{Name: "list-tasks", Usage: "list the tasks each play would run"},
			&cli.BoolFlag{Name: "force-handlers", Usage: "run notified handlers even on hosts that failed"},
			&cli.StringFlag{Name: "start-at-task", Usage: "start the playbook at the task with this `name` (or shell pattern)"},
			&cli.BoolFlag{Name: "step", Usage: "ask before each task: (N)o, (y)es, (c)ontinue without asking"},
			&cli.BoolFlag{Name: "list-tags", Usage: "list the tags of each play"},
			&cli.BoolFlag{Name: "flush-cache", Usage: "accepted for compatibility: play keeps no fact cache"},
			&cli.StringSliceFlag{Name: "tags", Aliases: []string{"t"}, Usage: "only run tasks tagged with these `tags`"},
			&cli.StringSliceFlag{Name: "skip-tags", Usage: "skip tasks tagged with these `tags`"},
			&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "connect as this `user`", Sources: from("ANSIBLE_REMOTE_USER", "defaults", "remote_user", plainSetting)},
			&cli.StringFlag{Name: "connection", Aliases: []string{"c"}, Usage: "connection `type`: ssh or local (inventory's ansible_connection wins)"},
			&cli.StringFlag{Name: "private-key", Aliases: []string{"key-file"}, Usage: "SSH private key `file`", Sources: from("ANSIBLE_PRIVATE_KEY_FILE", "defaults", "private_key_file", pathSetting)},
			&cli.IntFlag{Name: "timeout", Aliases: []string{"T"}, Value: 10, Usage: "connection timeout in `seconds`", Sources: from("ANSIBLE_TIMEOUT", "defaults", "timeout", plainSetting)},
			&cli.BoolFlag{Name: "become", Aliases: []string{"b"}, Usage: "run tasks with sudo", Sources: from("ANSIBLE_BECOME", "privilege_escalation", "become", boolSetting)},
			&cli.StringFlag{Name: "become-user", Usage: "become this `user` (default root)", Sources: from("ANSIBLE_BECOME_USER", "privilege_escalation", "become_user", plainSetting)},
			&cli.StringFlag{Name: "become-method", Usage: "sudo or su", Sources: from("ANSIBLE_BECOME_METHOD", "privilege_escalation", "become_method", plainSetting)},
			&cli.BoolFlag{Name: "ask-become-pass", Aliases: []string{"K"}, Usage: "ask for the sudo password", Sources: from("ANSIBLE_BECOME_ASK_PASS", "privilege_escalation", "become_ask_pass", boolSetting)},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "more output (-vvv for details)", Config: cli.BoolConfig{Count: new(int)}},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return action(ctx, cmd, stdin, stdout, stderr)
		},
	}
}

func action(ctx context.Context, cmd *cli.Command, stdin io.Reader, stdout, stderr io.Writer) error {
	paths := cmd.Args().Slice()
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "ERROR! You must specify a playbook file to run")
		return exitError{runner.ExitBadOptions}
	}
	if _, err := loadVaultSecrets(ctx, cmd, stdin, stderr); err != nil {
		printError(stderr, err)
		return exitError{runner.ExitError}
	}
	extra, err := parseExtraVars(cmd.StringSlice("extra-vars"))
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return exitError{runner.ExitBadOptions}
	}
	shard, err := shardOption(cmd)
	if err != nil {
		fmt.Fprintf(stderr, "ERROR! %v\n", err)
		return exitError{runner.ExitBadOptions}
	}
	if cmd.Int("forks") < 1 {
		fmt.Fprintln(stderr, "ERROR! The number of processes (--forks) must be >= 1")
		return exitError{runner.ExitBadOptions}
	}

	// Read and validate everything before any host is contacted.
	var books []*playbooks.Playbook
	var errs []error
	for _, p := range paths {
		pb, err := playbooks.Load(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, w := range pb.Warnings {
			fmt.Fprintf(stderr, "[WARNING]: %s\n", w)
		}
		books = append(books, pb)
	}
	if len(errs) > 0 {
		err := errors.Join(errs...)
		printError(stderr, err)
		return exitError{loadExitCode(err)}
	}
	loadInventory := func() (*inventory.Inventory, error) {
		inv, err := inventory.Load(inventorySources(cmd.StringSlice("inventory")))
		if err != nil {
			return nil, err
		}
		for _, pb := range books {
			if err := inv.AddVarsDir(pb.Dir); err != nil {
				return nil, err
			}
		}
		return inv, nil
	}
	inv, err := loadInventory()
	if err != nil {
		printError(stderr, err)
		return exitError{runner.ExitParseError}
	}
	if cmd.Bool("syntax-check") {
		for _, p := range paths {
			fmt.Fprintf(stdout, "\nplaybook: %s\n", p)
		}
		return nil
	}
	if cmd.Bool("list-hosts") || cmd.Bool("list-tasks") || cmd.Bool("list-tags") {
		return listPlays(stdout, inv, books, paths, cmd, shard)
	}

	opts := runner.Options{
		Inventory: inv,
		Limit:     cmd.String("limit"),
		ExtraVars: extra,
		Forks:     int(cmd.Int("forks")),
		Check:     cmd.Bool("check"),
		Diff:      cmd.Bool("diff"),
		Tags:      splitTags(cmd.StringSlice("tags")),
		SkipTags:  splitTags(cmd.StringSlice("skip-tags")),
		Verbosity: cmd.Count("verbose"),
		Connection: connection.Options{
			User:       cmd.String("user"),
			PrivateKey: cmd.String("private-key"),
			Timeout:    time.Duration(cmd.Int("timeout")) * time.Second,
			// host_key_checking = False turns checking off for every host.
			HostKeyChecking: hostKeyChecking(),
		},
		ConnectionType: cmd.String("connection"),
		Become:         cmd.Bool("become"),
		BecomeUser:     cmd.String("become-user"),
		BecomeMethod:   cmd.String("become-method"),
		Out:            stdout,
		Color:          colorWanted(stdout),
		Live:           isTerminal(stdout) && os.Getenv("NO_COLOR") == "",
		ForceHandlers:  cmd.Bool("force-handlers"),
		StartAtTask:    cmd.String("start-at-task"),
		Prompt:         terminalPrompter(stdin, stderr),
		Step:           cmd.Bool("step"),
		// meta: refresh_inventory
		ReloadInventory: loadInventory,
	}
	if opts.Step && opts.Prompt == nil {
		fmt.Fprintln(stderr, "ERROR! --step asks before each task and needs a terminal on standard input")
		return exitError{runner.ExitBadOptions}
	}
	if cmd.Bool("ask-become-pass") {
		pass, err := askPassword(stdin, stderr, "BECOME password: ")
		if err != nil {
			fmt.Fprintf(stderr, "ERROR! %v\n", err)
			return exitError{runner.ExitBadOptions}
		}
		opts.BecomePassword = pass
	}

	if opts.Limit != "" && len(inv.Hosts()) > 0 {
		// Like ansible-playbook, a --limit that leaves no host is an error.
		hosts, err := inv.Limit(inv.Hosts(), opts.Limit)
		if err == nil && len(hosts) == 0 {
			err = errors.New("Specified inventory, host pattern and/or --limit leaves us with no hosts to target.")
		}
		if err != nil {
			printError(stderr, err)
			return exitError{runner.ExitError}
		}
	}
	if shard != nil {
		opts.Shard = shard.keeps
		if err := warnEmptyShard(shard, inv, opts.Limit, stderr); err != nil {
			printError(stderr, err)
			return exitError{runner.ExitError}
		}
	}
	return runPlaybooks(ctx, cmd, opts, books, paths, stdout, stderr)
}

// inventorySources are the -i sources, else Ansible's default:
// ANSIBLE_INVENTORY or inventory in ansible.cfg, else /etc/ansible/hosts.
func inventorySources(given []string) []string {
	if len(given) > 0 {
		return given
	}
	if v, ok := (ansibleSetting{"ANSIBLE_INVENTORY", "defaults", "inventory", pathSetting}).Lookup(); ok {
		return strings.Split(v, ",")
	}
	if _, err := os.Stat("/etc/ansible/hosts"); err == nil {
		return []string{"/etc/ansible/hosts"}
	}
	return nil
}

// parseExtraVars reads -e values: @file, YAML/JSON, or k=v pairs.
func parseExtraVars(values []string) (map[string]any, error) {
	out := map[string]any{}
	for _, v := range values {
		v = strings.TrimSpace(v)
		var m map[string]any
		switch {
		case strings.HasPrefix(v, "@"):
			vars, err := playbooks.ReadVarsFile(v[1:])
			if err != nil {
				return nil, fmt.Errorf("extra vars %s: %w", v, err)
			}
			m = vars
		case strings.HasPrefix(v, "{") || strings.HasPrefix(v, "["):
			var err error
			if m, err = decodeExtraVars(v); err != nil {
				return nil, fmt.Errorf("invalid extra vars %q: %w", v, err)
			}
		case v == "":
		default:
			kv, err := playbooks.SplitKV(v, false)
			if err != nil {
				return nil, fmt.Errorf("invalid extra vars %q: %w", v, err)
			}
			if _, raw := kv["_raw_params"]; raw {
				return nil, fmt.Errorf("invalid extra vars %q: expected k=v pairs, YAML/JSON or @file", v)
			}
			m = kv
		}
		for k, val := range m {
			out[k] = val
		}
	}
	return out, nil
}

// decodeExtraVars reads an -e value written as YAML or JSON, its dicts
// keeping their keys' order.
func decodeExtraVars(v string) (map[string]any, error) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(v), &n); err != nil {
		return nil, err
	}
	decoded, err := keyorder.DecodeYAML(&n)
	if err != nil {
		return nil, err
	}
	m, ok := decoded.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("extra vars must be a mapping of variable names to values")
	}
	return m, nil
}

func splitTags(values []string) []string {
	var out []string
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

func colorWanted(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("ANSIBLE_NOCOLOR") != "" {
		return false
	}
	if os.Getenv("ANSIBLE_FORCE_COLOR") != "" {
		return true
	}
	return isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func askPassword(stdin io.Reader, stderr io.Writer, prompt string) (string, error) {
	fmt.Fprint(stderr, prompt)
	defer fmt.Fprintln(stderr)
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
	var line string
	_, err := fmt.Fscanln(stdin, &line)
	if err != nil {
		return "", errors.New("a become password was asked for (-K) but none could be read from standard input")
	}
	return line, nil
}

// printError prints every error, positioned ones with their offending line.
// loadExitCode is ansible-playbook's exit code for errors found loading
// playbooks: 1 when each names a file, role or vars file that does not
// exist (a plain error in Ansible), else 4 (a parse error).
func loadExitCode(err error) int {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if loadExitCode(e) != runner.ExitError {
				return runner.ExitParseError
			}
		}
		return runner.ExitError
	}
	if errors.Is(err, fs.ErrNotExist) {
		return runner.ExitError
	}
	return runner.ExitParseError
}

func printError(w io.Writer, err error) {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			printError(w, errors.Join(j.Unwrap()...))
			continue
		}
		var d *diag.Error
		if errors.As(e, &d) {
			fmt.Fprintf(w, "ERROR! %s\n\n", d.Detail())
			continue
		}
		fmt.Fprintf(w, "ERROR! %v\n", e)
	}
}

// listPlays prints --list-hosts / --list-tasks / --list-tags like ansible-playbook.
func listPlays(w io.Writer, inv *inventory.Inventory, books []*playbooks.Playbook, paths []string, cmd *cli.Command, shard *shard) error {
	for i, pb := range books {
		fmt.Fprintf(w, "\nplaybook: %s\n", paths[i])
		for n, play := range pb.Plays {
			name := play.Name
			if name == "" {
				name = play.Hosts
			}
			fmt.Fprintf(w, "\n  play #%d (%s): %s\tTAGS: [%s]\n", n+1, play.Hosts, name, strings.Join(play.Tags, ", "))
			if cmd.Bool("list-hosts") {
				hosts, err := inv.Select(play.Hosts)
				if err != nil {
					printError(os.Stderr, err)
					return exitError{runner.ExitError}
				}
				if l := cmd.String("limit"); l != "" {
					if hosts, err = inv.Limit(hosts, l); err != nil {
						printError(os.Stderr, err)
						return exitError{runner.ExitError}
					}
				}
				if shard != nil {
					hosts = slices.DeleteFunc(hosts, func(h *inventory.Host) bool { return !shard.keeps(h.Name) })
				}
				names := make([]string, len(hosts))
				for i, h := range hosts {
					names[i] = h.Name
				}
				sort.Strings(names)
				fmt.Fprintf(w, "    pattern: ['%s']\n    hosts (%d):\n", strings.Join(strings.Split(play.Hosts, ","), "', '"), len(names))
				for _, n := range names {
					fmt.Fprintf(w, "      %s\n", n)
				}
			}
			var allTags []string
			if cmd.Bool("list-tasks") {
				fmt.Fprintln(w, "    tasks:")
			}
			for _, section := range [][]*playbooks.Task{play.PreTasks, play.Tasks, play.PostTasks} {
				walkTasks(section, play.Tags, func(t *playbooks.Task, tags []string) {
					allTags = append(allTags, tags...)
					if cmd.Bool("list-tasks") {
						listTask(w, t, tags)
					}
				})
			}
			if cmd.Bool("list-tags") {
				fmt.Fprintf(w, "      TASK TAGS: [%s]\n", strings.Join(uniqueSorted(allTags), ", "))
			}
		}
	}
	return nil
}

// walkTasks calls fn for every task (not block) in order, with its tags and
// those it inherits.
func walkTasks(tasks []*playbooks.Task, inherited []string, fn func(t *playbooks.Task, tags []string)) {
	for _, t := range tasks {
		tags := append(append([]string(nil), t.Tags...), inherited...)
		if t.IsBlock() {
			for _, part := range [][]*playbooks.Task{t.Block, t.Rescue, t.Always} {
				walkTasks(part, tags, fn)
			}
			continue
		}
		fn(t, tags)
	}
}

func listTask(w io.Writer, t *playbooks.Task, tags []string) {
	// Like ansible-playbook: an unnamed task shows its action, a named
	// one its role; include_role names itself.
	name := t.DisplayName()
	if t.Role != "" && t.Name != "" && !isIncludeRole(t.Module) {
		name = t.Role + " : " + name
	}
	fmt.Fprintf(w, "      %s\tTAGS: [%s]\n", name, strings.Join(uniqueSorted(tags), ", "))
}

func isIncludeRole(module string) bool {
	return module == "include_role" || strings.HasSuffix(module, ".include_role")
}

func uniqueSorted(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// terminalPrompter asks vars_prompt questions on the terminal, or is nil
// when standard input is not one.
func terminalPrompter(stdin io.Reader, stderr io.Writer) runner.Prompter {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	lines := bufio.NewReader(f)
	return func(prompt string, private bool) (string, error) {
		fmt.Fprint(stderr, prompt)
		if private {
			defer fmt.Fprintln(stderr)
			b, err := term.ReadPassword(int(f.Fd()))
			return string(b), err
		}
		line, err := lines.ReadString('\n')
		return strings.TrimRight(line, "\r\n"), err
	}
}

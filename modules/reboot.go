package modules

import (
	"context"
	"fmt"
	"strings"
	"time"

	"play/connection"
)

func init() {
	Register(Info{Name: "reboot", New: func() Module { return &Reboot{} }})
}

// Reconnector is a Host whose connection can be dropped and dialled again
// (a host that rebooted closed the old one).
type Reconnector interface {
	Host
	Reconnect(ctx context.Context) error
}

// Reboot reboots the host, waits for it to come back with a new boot ID
// and to pass test_command, like ansible.builtin.reboot.
type Reboot struct {
	// RebootTimeout is how long (seconds) to wait for the host to come back.
	RebootTimeout *int `arg:"reboot_timeout" aliases:"reboot_timeout_sec"`
	// ConnectTimeout is accepted for compatibility: the connection's own timeout applies.
	ConnectTimeout *int `arg:"connect_timeout" aliases:"connect_timeout_sec"`
	// Msg is the message shutdown broadcasts.
	Msg string `arg:"msg"`
	// PreRebootDelay is the delay (seconds, rounded down to minutes) shutdown waits.
	PreRebootDelay int `arg:"pre_reboot_delay"`
	// PostRebootDelay is how long (seconds) to wait before checking the host.
	PostRebootDelay int `arg:"post_reboot_delay"`
	// TestCommand must succeed once the host is back.
	TestCommand string `arg:"test_command"`
	// BootTimeCommand prints something that changes with every boot.
	BootTimeCommand string `arg:"boot_time_command"`
	// RebootCommand replaces shutdown -r.
	RebootCommand string `arg:"reboot_command"`
	// SearchPaths is accepted for compatibility: the host's PATH finds shutdown.
	SearchPaths []string `arg:"search_paths"`
}

// Validate applies Ansible's defaults.
func (r *Reboot) Validate() error {
	if r.Msg == "" {
		r.Msg = "Reboot initiated by Ansible"
	}
	if r.TestCommand == "" {
		r.TestCommand = "whoami"
	}
	if r.BootTimeCommand == "" {
		r.BootTimeCommand = "cat /proc/sys/kernel/random/boot_id"
	}
	if r.RebootCommand == "" {
		r.RebootCommand = fmt.Sprintf("shutdown -r +%d %s", r.PreRebootDelay/60, Quote(r.Msg))
	}
	if r.PreRebootDelay < 0 || r.PostRebootDelay < 0 {
		return Failf("pre_reboot_delay and post_reboot_delay must be 0 or more seconds")
	}
	return nil
}

// Plan reads the boot ID; the step starts the reboot command in the
// background (so that the session can end before the host goes down), and
// Finish waits for the host to come back.
func (r *Reboot) Plan(ctx context.Context, env *Env) (*Plan, error) {
	host, ok := env.Host.(Reconnector)
	if !ok {
		return nil, Failf("the reboot module needs a connection that can be reopened")
	}
	res, err := env.Host.Run(ctx, r.BootTimeCommand, nil)
	if err != nil {
		return nil, err
	}
	if res.RC != 0 {
		return nil, Failf("Failed to determine system last boot time: %s", strings.TrimSpace(string(res.Stderr)+string(res.Stdout)))
	}
	before := strings.TrimSpace(string(res.Stdout))
	script := fmt.Sprintf("nohup sh -c %s >/dev/null 2>&1 </dev/null &\n", Quote("sleep 1; "+r.RebootCommand))
	return &Plan{
		Result: map[string]any{"rebooted": true, "elapsed": 0},
		Steps:  []Step{{Script: "echo started\n" + script}},
		Finish: func(out []connection.Result) (map[string]any, error) {
			if out[0].RC != 0 {
				return nil, &Failure{Msg: "Reboot command failed. Error was: " + strings.TrimSpace(string(out[0].Stderr)), Result: map[string]any{"rebooted": false, "rc": out[0].RC}}
			}
			started := time.Now()
			err := r.wait(ctx, host, before)
			res := map[string]any{"rebooted": err == nil, "elapsed": int(time.Since(started).Seconds()), "changed": true}
			if err != nil {
				return nil, &Failure{Msg: err.Error(), Result: res}
			}
			return res, nil
		},
	}, nil
}

// pollInterval is the pause between two tries while the host reboots.
var pollInterval = 2 * time.Second

// wait waits for a new boot ID, then for test_command to succeed, within
// reboot_timeout, reconnecting before every try.
func (r *Reboot) wait(ctx context.Context, host Reconnector, before string) error {
	timeout := time.Duration(intOr(r.RebootTimeout, 600)) * time.Second
	deadline := time.Now().Add(timeout)
	if !sleepCtx(ctx, time.Duration(r.PostRebootDelay)*time.Second) {
		return ctx.Err()
	}
	try := func(what string, ok func() (bool, string)) error {
		last, err := retry{host: host, deadline: deadline, interval: pollInterval}.until(ctx, func(context.Context) (bool, string) { return ok() })
		if err == errRetryTimedOut {
			return Failf("Timed out waiting for %s (timeout=%d): %s", what, int(timeout.Seconds()), last)
		}
		return err
	}
	err := try("last boot time check", func() (bool, string) {
		res, err := host.Run(ctx, r.BootTimeCommand, nil)
		if err != nil {
			return false, err.Error()
		}
		now := strings.TrimSpace(string(res.Stdout))
		if res.RC != 0 || now == "" {
			return false, "boot time command failed: " + strings.TrimSpace(string(res.Stderr))
		}
		return now != before, "boot time has not changed"
	})
	if err != nil {
		return err
	}
	return try("post-reboot test command", func() (bool, string) {
		res, err := host.Run(ctx, r.TestCommand, nil)
		if err != nil {
			return false, err.Error()
		}
		return res.RC == 0, fmt.Sprintf("Test command failed: %s %s", strings.TrimSpace(string(res.Stderr)), strings.TrimSpace(string(res.Stdout)))
	})
}

// sleepCtx sleeps d unless ctx ends first; it says whether it slept.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Package connection runs commands on one host: over SSH (one TCP connection per
// host for the whole run, one session per command) or locally.
package connection

import (
	"context"
	"io"
	"time"
)

// Conn is one open connection to one host.
type Conn interface {
	// Exec runs cmd.Script with /bin/sh -c on the host. The error is only for
	// transport failures (*UnreachableError), become failures (*BecomeError),
	// invalid Env names and ctx's end (ctx.Err()); a command that ran and
	// failed returns a Result with a non-zero RC and a nil error. A command
	// killed by signal n has RC 128+n.
	Exec(ctx context.Context, cmd Command) (Result, error)
	Close() error
}

// Command is one shell script to run on the host.
type Command struct {
	Script string
	Stdin  []byte
	// Env is exported before Script runs (the play/task `environment`).
	Env map[string]string
	// Become, when set, runs the script as another user (sudo).
	Become *Become
}

// Become says how to run a command as another user.
type Become struct {
	User     string // default root
	Method   string // sudo (default) or su
	Flags    string // extra flags for the method
	Password string // for sudo -S; empty means passwordless
}

// Result is what a command printed and its exit status.
type Result struct {
	Stdout []byte
	Stderr []byte
	RC     int
	// Start and End are when the controller started the command and saw it
	// end (command's start/end/delta): timing on the controller costs the
	// host no extra processes.
	Start, End time.Time
}

// Streamer is a Conn that runs a command with its streams connected, for a
// command that goes on reading its stdin while the controller reads its
// output (Shell).
type Streamer interface {
	// Stream runs cmd (cmd.Stdin is not used: stdin is) and returns when
	// the command has ended and its output is written: its exit status, or
	// an error as Exec's.
	Stream(ctx context.Context, cmd Command, stdin io.Reader, stdout, stderr io.Writer) (rc int, err error)
}

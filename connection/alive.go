package connection

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// liveness says whether a connection may still be used: gone is closed once
// the host stopped answering, the connection was lost or closed, and err
// says which. Opening a session also waits on gone: x/crypto/ssh leaves a
// channel open request waiting forever when it is sent as the connection
// drops (the channel is registered after the connection's channels were
// closed); a session already open ends with the connection.
type liveness struct {
	gone chan struct{}
	once sync.Once
	err  error // set before gone is closed
}

func newLiveness() *liveness { return &liveness{gone: make(chan struct{})} }

// end records why the connection is no longer usable; the first reason wins.
func (l *liveness) end(err error) {
	l.once.Do(func() {
		l.err = err
		close(l.gone)
	})
}

// ended returns the reason the connection ended, or nil while it is usable.
func (l *liveness) ended() error {
	select {
	case <-l.gone:
		return l.err
	default:
		return nil
	}
}

// errClosed is what a command started after Close returns.
var errClosed = errors.New("the connection was closed")

// keepAlive is OpenSSH's ServerAliveInterval/ServerAliveCountMax: every
// AliveInterval it sends keepalive@openssh.com wanting a reply (sshd
// answers it, even with a failure, whatever its commands are doing); a
// reply that has not come AliveCountMax intervals later ends the
// connection: closing it makes every wait on the host return. Timers only:
// no goroutine waits between keepalives. AliveCountMax 0 (OpenSSH gives up
// after one silent interval) waits one interval for the reply.
func (c *sshConn) keepAlive() {
	interval, count := c.cfg.AliveInterval, max(c.cfg.AliveCountMax, 1)
	if interval <= 0 {
		return
	}
	client := c.clients[len(c.clients)-1]
	silent := fmt.Errorf("Timeout, server %s not responding: no answer to a keepalive for %s (ServerAliveInterval=%s, ServerAliveCountMax=%d): the host stopped answering",
		c.cfg.Host, interval*time.Duration(count), interval, count)
	var tick *time.Timer
	ping := func() {
		watchdog := time.AfterFunc(interval*time.Duration(count), func() {
			c.alive.end(&UnreachableError{Host: c.cfg.Name, Err: silent})
			_ = c.clients[0].Close() // the TCP connection: whatever runs over it fails
		})
		_, _, err := client.SendRequest("keepalive@openssh.com", true, nil)
		watchdog.Stop()
		if err == nil && c.alive.ended() == nil {
			tick.Reset(interval)
		}
	}
	tick = time.AfterFunc(interval, ping)
}

// openSession opens a session on the host, or returns once the connection
// has ended.
func (c *sshConn) openSession() (*ssh.Session, error) {
	type opened struct {
		s   *ssh.Session
		err error
	}
	result := make(chan opened, 1)
	go func() {
		s, err := c.clients[len(c.clients)-1].NewSession()
		result <- opened{s, err}
	}()
	select {
	case o := <-result:
		return o.s, o.err
	case <-c.alive.gone:
		return nil, c.alive.err
	}
}

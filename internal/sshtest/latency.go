package sshtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// AddLatency puts a proxy in front of every server that delays each byte by
// rtt/2 in each direction, and points the servers' Port and the lab's
// known_hosts at the proxies, so a WriteInventory after it reaches the
// servers through them: a slow network on loopback, without netem (these
// kernels have none) and without touching other processes' traffic. stop
// closes the proxies and their connections.
func (l *Lab) AddLatency(rtt time.Duration) (stop func(), err error) {
	var proxies []*delayProxy
	stop = func() {
		for _, p := range proxies {
			p.close()
		}
	}
	var known bytes.Buffer
	for _, s := range l.Servers {
		ln, err := net.Listen("tcp", net.JoinHostPort(s.Addr, "0"))
		if err != nil {
			stop()
			return nil, err
		}
		p := &delayProxy{ln: ln, to: net.JoinHostPort(s.Addr, fmt.Sprint(s.Port)), delay: rtt / 2, conns: map[net.Conn]bool{}}
		proxies = append(proxies, p)
		go p.serve()
		s.Port = ln.Addr().(*net.TCPAddr).Port
		fmt.Fprintf(&known, "%s %s", s.knownHostsPatterns(), ssh.MarshalAuthorizedKey(s.HostKey))
	}
	if err := os.WriteFile(l.KnownHosts, known.Bytes(), 0o600); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// delayProxy forwards connections to one server with a fixed one-way delay.
type delayProxy struct {
	ln    net.Listener
	to    string
	delay time.Duration

	mu    sync.Mutex
	conns map[net.Conn]bool
}

func (p *delayProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.to)
		if err != nil {
			c.Close()
			continue
		}
		p.track(c, s)
		go p.pump(c, s)
		go p.pump(s, c)
	}
}

func (p *delayProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = true
	}
}

// chunk is data read at one moment, due at the far end delay later.
type chunk struct {
	data []byte
	due  time.Time
}

// pump copies from src to dst, each chunk delivered p.delay after it was
// read, in order; the end of src is delivered late too.
func (p *delayProxy) pump(src, dst net.Conn) {
	queue := make(chan chunk, 4096)
	go func() {
		defer close(queue)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				queue <- chunk{buf[:n], time.Now().Add(p.delay)}
			}
			if err != nil {
				queue <- chunk{due: time.Now().Add(p.delay)}
				return
			}
		}
	}()
	for c := range queue {
		time.Sleep(time.Until(c.due))
		if c.data == nil {
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			continue
		}
		if _, err := dst.Write(c.data); err != nil {
			src.Close() // the reader ends and closes the queue
		}
	}
}

func (p *delayProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

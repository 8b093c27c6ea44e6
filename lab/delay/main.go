// Command delay holds packets that iptables sends to NFQUEUE queues for a fixed time before it
// lets them go: the lab's latency (lab/lab delay MS), since the kernel has no sch_netem.
//
//	delay QUEUE=DURATION...   e.g. delay 2320=50ms 2321=25ms
//
// It speaks nfnetlink directly (no libnetfilter_queue), asks only for packet metadata (the id),
// and prints "ready" once every queue is bound.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// nfnetlink_queue constants (linux/netfilter/nfnetlink_queue.h).
const (
	netlinkNetfilter = 12
	subsysQueue      = 3
	msgPacket        = 0
	msgVerdict       = 1
	msgConfig        = 2
	attrPacketHdr    = 1 // in packets: be32 id, be16 hw protocol, u8 hook
	attrVerdictHdr   = 2 // in verdicts: be32 verdict, be32 id
	attrCfgCmd       = 1 // u8 command, u8 pad, be16 protocol family
	attrCfgParams    = 2 // be32 copy range, u8 copy mode
	attrCfgQueueLen  = 3 // be32
	cmdBind          = 1
	copyMeta         = 1
	nfAccept         = 1
)

// queue is one bound NFQUEUE queue and how long its packets wait.
type queue struct {
	num   uint16
	delay time.Duration
	fd    int
	seq   atomic.Uint32
}

func main() {
	queues, err := parseArgs(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "delay:", err)
		fmt.Fprintln(os.Stderr, "usage: delay QUEUE=DURATION... (e.g. delay 2320=50ms)")
		os.Exit(2)
	}
	for _, q := range queues {
		if err := q.bind(); err != nil {
			fmt.Fprintf(os.Stderr, "delay: queue %d: %v\n", q.num, err)
			os.Exit(1)
		}
	}
	fmt.Println("ready")
	errs := make(chan error)
	for _, q := range queues {
		go func() { errs <- q.run() }()
	}
	fmt.Fprintln(os.Stderr, "delay:", <-errs)
	os.Exit(1)
}

// parseArgs reads QUEUE=DURATION arguments.
func parseArgs(args []string) ([]*queue, error) {
	if len(args) == 0 {
		return nil, errors.New("no queue given")
	}
	var queues []*queue
	for _, a := range args {
		num, dur, ok := strings.Cut(a, "=")
		n, err := strconv.ParseUint(num, 10, 16)
		if !ok || err != nil {
			return nil, fmt.Errorf("%q: want QUEUE=DURATION with QUEUE a number up to 65535", a)
		}
		d, err := time.ParseDuration(dur)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%q: want a duration such as 50ms after the '='", a)
		}
		queues = append(queues, &queue{num: uint16(n), delay: d})
	}
	return queues, nil
}

// bind opens the queue's netlink socket and binds the queue, metadata only.
func (q *queue) bind() error {
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW, netlinkNetfilter)
	if err != nil {
		return fmt.Errorf("netlink socket: %w", err)
	}
	q.fd = fd
	// A large buffer: packets arrive while others are held.
	_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 16<<20)
	if err := syscall.Bind(fd, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return fmt.Errorf("netlink bind: %w", err)
	}
	if err := q.request(attr(attrCfgCmd, []byte{cmdBind, 0, 0, 0})); err != nil {
		return fmt.Errorf("binding the queue (another program may hold it): %w", err)
	}
	params := binary.BigEndian.AppendUint32(nil, 0)
	if err := q.request(append(attr(attrCfgParams, append(params, copyMeta)),
		attr(attrCfgQueueLen, binary.BigEndian.AppendUint32(nil, 65536))...)); err != nil {
		return fmt.Errorf("configuring the queue: %w", err)
	}
	return nil
}

// request sends a config message and waits for the kernel's acknowledgement.
func (q *queue) request(attrs []byte) error {
	seq := q.seq.Add(1)
	msg := q.message(msgConfig, syscall.NLM_F_REQUEST|syscall.NLM_F_ACK, seq, attrs)
	if err := syscall.Sendto(q.fd, msg, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 8192)
	for {
		n, _, err := syscall.Recvfrom(q.fd, buf, 0)
		if err != nil {
			return err
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Type == syscall.NLMSG_ERROR && m.Header.Seq == seq && len(m.Data) >= 4 {
				if code := int32(binary.NativeEndian.Uint32(m.Data)); code != 0 {
					return syscall.Errno(-code)
				}
				return nil
			}
		}
	}
}

// run reads packets and releases each one its delay after it arrived, in arrival order.
func (q *queue) run() error {
	type held struct {
		id      uint32
		release time.Time
	}
	pending := make(chan held, 65536)
	go func() {
		for p := range pending {
			time.Sleep(time.Until(p.release))
			hdr := binary.BigEndian.AppendUint32(nil, nfAccept)
			hdr = binary.BigEndian.AppendUint32(hdr, p.id)
			msg := q.message(msgVerdict, syscall.NLM_F_REQUEST, 0, attr(attrVerdictHdr, hdr))
			_ = syscall.Sendto(q.fd, msg, 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK})
		}
	}()
	buf := make([]byte, 1<<16)
	for {
		n, _, err := syscall.Recvfrom(q.fd, buf, 0)
		if errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.EINTR) {
			continue // the kernel dropped packets for us; TCP resends them
		}
		if err != nil {
			return fmt.Errorf("queue %d: %w", q.num, err)
		}
		now := time.Now()
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			continue
		}
		for _, m := range msgs {
			if id, ok := packetID(m); ok {
				pending <- held{id: id, release: now.Add(q.delay)}
			}
		}
	}
}

// packetID returns the id of a queued packet message.
func packetID(m syscall.NetlinkMessage) (uint32, bool) {
	if m.Header.Type != subsysQueue<<8|msgPacket || len(m.Data) < 4 {
		return 0, false
	}
	for b := m.Data[4:]; len(b) >= 4; {
		l := int(binary.NativeEndian.Uint16(b))
		if l < 4 || l > len(b) {
			return 0, false
		}
		if binary.NativeEndian.Uint16(b[2:])&0x3fff == attrPacketHdr && l >= 8 {
			return binary.BigEndian.Uint32(b[4:]), true
		}
		b = b[min((l+3)&^3, len(b)):]
	}
	return 0, false
}

// message builds a netlink message of the queue subsystem for this queue.
func (q *queue) message(typ uint16, flags uint16, seq uint32, attrs []byte) []byte {
	body := []byte{syscall.AF_UNSPEC, 0, byte(q.num >> 8), byte(q.num)} // nfgenmsg, res_id big-endian
	body = append(body, attrs...)
	msg := binary.NativeEndian.AppendUint32(nil, uint32(syscall.NLMSG_HDRLEN+len(body)))
	msg = binary.NativeEndian.AppendUint16(msg, subsysQueue<<8|typ)
	msg = binary.NativeEndian.AppendUint16(msg, flags)
	msg = binary.NativeEndian.AppendUint32(msg, seq)
	msg = binary.NativeEndian.AppendUint32(msg, 0)
	return append(msg, body...)
}

// attr encodes one netlink attribute, padded to 4 bytes.
func attr(typ uint16, data []byte) []byte {
	b := binary.NativeEndian.AppendUint16(nil, uint16(4+len(data)))
	b = binary.NativeEndian.AppendUint16(b, typ)
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

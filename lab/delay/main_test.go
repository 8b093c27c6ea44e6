package main

import (
	"encoding/binary"
	"syscall"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    map[uint16]time.Duration
		wantErr bool
	}{
		{args: []string{"2320=50ms", "2321=25000us"}, want: map[uint16]time.Duration{2320: 50 * time.Millisecond, 2321: 25 * time.Millisecond}},
		{args: nil, wantErr: true},
		{args: []string{"2320"}, wantErr: true},
		{args: []string{"70000=1ms"}, wantErr: true},
		{args: []string{"1=fast"}, wantErr: true},
	}
	for _, tt := range tests {
		qs, err := parseArgs(tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseArgs(%q) error = %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		for _, q := range qs {
			if tt.want[q.num] != q.delay {
				t.Errorf("parseArgs(%q): queue %d delay %v, want %v", tt.args, q.num, q.delay, tt.want[q.num])
			}
		}
	}
}

func TestPacketID(t *testing.T) {
	hdr := binary.BigEndian.AppendUint32(nil, 0xdeadbeef)
	hdr = append(hdr, 0x08, 0x00, 3) // hw protocol, hook
	data := append([]byte{syscall.AF_UNSPEC, 0, 0x09, 0x10}, attr(7, []byte{1, 2, 3, 4, 5})...)
	data = append(data, attr(attrPacketHdr, hdr)...)
	packet := syscall.NetlinkMessage{Header: syscall.NlMsghdr{Type: subsysQueue<<8 | msgPacket}, Data: data}
	tests := []struct {
		name   string
		msg    syscall.NetlinkMessage
		wantID uint32
		wantOK bool
	}{
		{name: "packet after another attribute", msg: packet, wantID: 0xdeadbeef, wantOK: true},
		{name: "not a packet", msg: syscall.NetlinkMessage{Header: syscall.NlMsghdr{Type: syscall.NLMSG_ERROR}, Data: data}},
		{name: "truncated", msg: syscall.NetlinkMessage{Header: packet.Header, Data: data[:10]}},
	}
	for _, tt := range tests {
		id, ok := packetID(tt.msg)
		if id != tt.wantID || ok != tt.wantOK {
			t.Errorf("%s: packetID = %#x, %v; want %#x, %v", tt.name, id, ok, tt.wantID, tt.wantOK)
		}
	}
}

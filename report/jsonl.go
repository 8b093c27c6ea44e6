package report

import (
	"io"
	"sync"
	"time"

	"play/runner"
)

// stream writes one JSON object per event and line, as it happens, so a
// CI job can follow a run or keep what happened before a crash.
type stream struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer
	err    error
}

func (s *stream) emit(v map[string]any) {
	line, err := marshal(v, "")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		_, err = s.w.Write(line)
	}
	if s.err == nil {
		s.err = err
	}
}

func (s *stream) PlayStart(ev runner.PlayEvent) {
	s.emit(map[string]any{"event": "play_start", "time": stamp(ev.Start), "play": ev.Name, "hosts": ev.Hosts})
}

func (s *stream) TaskStart(ev runner.TaskEvent) {
	s.emit(map[string]any{"event": "task_start", "time": stamp(ev.Start), "play": ev.Play, "task": ev.Name, "action": ev.Action, "path": ev.Path, "handler": ev.Handler})
}

func (s *stream) HostResult(ev runner.HostEvent) {
	s.emit(map[string]any{
		"event": "host_result", "time": stamp(ev.End), "play": ev.Task.Play, "task": ev.Task.Name, "path": ev.Task.Path,
		"host": ev.Host, "status": ev.Status, "ignored": ev.Ignored, "changed": ev.Result["changed"],
		"duration": ev.End.Sub(ev.Start).Round(time.Microsecond).Seconds(), "result": ev.Result,
	})
}

func (s *stream) Close(stats map[string]*runner.HostStats) error {
	s.emit(map[string]any{"event": "recap", "time": stamp(time.Now()), "stats": statsJSON(stats)})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.closer.Close(); s.err == nil {
		s.err = err
	}
	return s.err
}

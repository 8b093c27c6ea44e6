package runner

import (
	"context"
	"errors"

	"play/connection"
)

// Reconnect implements modules.Reconnector: it drops the task's connection
// from the run's cache (a rebooted host closed it) and dials again, so the
// next tasks use the new connection too.
func (b *boundHost) Reconnect(ctx context.Context) error {
	if b.redial == nil {
		return errors.New("this connection cannot be reopened")
	}
	conn, err := b.redial(ctx)
	if err != nil {
		return err
	}
	b.bind(conn)
	return nil
}

// redialer is how a task's binding reconnects: forget its connection, then
// connect the way the task did.
func (ex *execution) redialer(conn connection.Conn, vars map[string]any, delegate string) func(context.Context) (connection.Conn, error) {
	var key any
	return func(ctx context.Context) (connection.Conn, error) {
		if conn == nil { // the first dial failed (waitsForHost)
			ex.r.resetConnection(firstNonEmpty(delegate, ex.h.name()))
		} else {
			key = ex.r.forget(conn, key)
		}
		return ex.connection(ctx, vars, delegate)
	}
}

// waitsForHost says whether a module starts on a host that may not answer
// yet (it reconnects itself): its task does not fail when the first
// connection does.
func waitsForHost(module string) bool { return module == "wait_for_connection" }

// forget removes a connection from the cache and closes it. key is the
// cache key when known (a failed redial leaves an entry without the
// connection); forget returns it.
func (r *Runner) forget(conn connection.Conn, key any) any {
	if key == nil {
		r.dials.Range(func(k, v any) bool {
			d := v.(*dialOnce)
			d.once.Do(func() {}) // waits for a dial in progress: d.conn is then safe to read
			if d.conn == conn {
				key = k
				return false
			}
			return true
		})
	}
	if key == nil {
		return nil
	}
	if v, ok := r.dials.LoadAndDelete(key); ok {
		if d := v.(*dialOnce); d.conn != nil {
			_ = d.conn.Close()
		}
	}
	return key
}

package modules

import (
	"context"
	"fmt"
)

func init() {
	Register(Info{Name: "fail", New: func() Module { return &Fail{} }, Local: true})
}

// Fail fails the task with a message.
type Fail struct {
	// Msg is the failure message (default "Failed as requested from task").
	Msg any `arg:"msg"`
}

// Plan always fails.
func (f *Fail) Plan(context.Context, *Env) (*Plan, error) {
	if f.Msg == nil {
		return nil, &Failure{Msg: "Failed as requested from task"}
	}
	if s, ok := f.Msg.(string); ok {
		return nil, &Failure{Msg: s}
	}
	return nil, &Failure{Msg: fmt.Sprint(f.Msg), Result: map[string]any{"msg": f.Msg}}
}

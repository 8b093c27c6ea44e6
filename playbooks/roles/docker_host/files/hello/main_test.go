package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestServe(t *testing.T) {
	backend := httptest.NewServer(&handler{service: "hello", host: "c1", client: http.DefaultClient})
	defer backend.Close()
	tests := []struct {
		name       string
		h          *handler
		path       string
		wantStatus int
		want       reply
	}{
		{"alone", &handler{service: "hello", host: "c1"}, "/", 200, reply{Service: "hello", Host: "c1"}},
		{"unknown path", &handler{service: "hello", host: "c1"}, "/x", 404, reply{}},
		{"with upstream", &handler{service: "front", host: "c2", upstream: backend.URL, client: http.DefaultClient}, "/", 200,
			reply{Service: "front", Host: "c2", Upstream: &reply{Service: "hello", Host: "c1"}}},
		{"upstream down", &handler{service: "front", host: "c2", upstream: "http://127.0.0.1:1", client: http.DefaultClient}, "/", 502,
			reply{Service: "front", Host: "c2", Error: `upstream http://127.0.0.1:1: Get "http://127.0.0.1:1": dial tcp 127.0.0.1:1: connect: connection refused`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus == 404 {
				return
			}
			var got reply
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if gotJSON, _ := json.Marshal(got); string(gotJSON) != mustJSON(tt.want) {
				t.Errorf("got %s, want %s", gotJSON, mustJSON(tt.want))
			}
		})
	}
}

func mustJSON(r reply) string {
	b, _ := json.Marshal(r)
	return string(b)
}

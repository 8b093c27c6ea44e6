// Command hello is the docker_host role's containerised web service: a static binary
// (CGO_ENABLED=0) in a FROM scratch image. GET / answers with JSON naming the container; when
// UPSTREAM is set (a URL), it also asks that service and includes its answer, which shows
// container-to-container traffic over a Docker user network (containers find each other by name).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

// reply is what GET / answers.
type reply struct {
	Service  string `json:"service"`
	Host     string `json:"host"`
	Upstream *reply `json:"upstream,omitempty"`
	Error    string `json:"error,omitempty"`
}

func main() {
	name := os.Getenv("SERVICE_NAME")
	if name == "" {
		name = "hello"
	}
	addr := ":" + os.Getenv("PORT")
	if addr == ":" {
		addr = ":8080"
	}
	host, _ := os.Hostname()
	h := &handler{service: name, host: host, upstream: os.Getenv("UPSTREAM"), client: &http.Client{Timeout: 3 * time.Second}}
	log.Printf("%s listening on %s (upstream %q)", name, addr, h.upstream)
	log.Fatal(http.ListenAndServe(addr, h))
}

type handler struct {
	service, host, upstream string
	client                  *http.Client
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	out := reply{Service: h.service, Host: h.host}
	status := http.StatusOK
	if h.upstream != "" {
		up, err := h.ask(h.upstream)
		if err != nil {
			out.Error = err.Error()
			status = http.StatusBadGateway
		}
		out.Upstream = up
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		log.Printf("writing the answer: %v", err)
	}
}

// ask fetches the upstream's own reply.
func (h *handler) ask(url string) (*reply, error) {
	resp, err := h.client.Get(url)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: %w", url, err)
	}
	defer resp.Body.Close()
	var up reply
	if err := json.NewDecoder(resp.Body).Decode(&up); err != nil {
		return nil, fmt.Errorf("upstream %s answered %s, not JSON: %w", url, resp.Status, err)
	}
	return &up, nil
}

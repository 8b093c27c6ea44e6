package report

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"

	"play/runner"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Disabled int          `xml:"disabled,attr"`
	Errors   int          `xml:"errors,attr"`
	Failures int          `xml:"failures,attr"`
	Tests    int          `xml:"tests,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Disabled int         `xml:"disabled,attr"`
	Errors   int         `xml:"errors,attr"`
	Failures int         `xml:"failures,attr"`
	Name     string      `xml:"name,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Tests    int         `xml:"tests,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *string       `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Output  string `xml:",chardata"`
}

// writeJUnit renders one testcase per task and host, as Ansible's junit
// callback: failures, unreachable hosts as errors, skips; ignored failures
// pass; fact gathering is left out.
func writeJUnit(c *collector, _ map[string]*runner.HostStats) ([]byte, error) {
	name := strings.TrimSuffix(filepath.Base(c.opts.Playbook), filepath.Ext(c.opts.Playbook))
	suite := junitSuite{Name: name}
	for _, p := range c.plays {
		for _, t := range p.tasks {
			if t.Action == "setup" && t.Path == "" {
				continue
			}
			for _, h := range t.hosts {
				tc := c.junitCase(t, h)
				suite.Cases = append(suite.Cases, tc)
				suite.Time += tc.Time
				switch {
				case tc.Failure != nil:
					suite.Failures++
				case tc.Error != nil:
					suite.Errors++
				case tc.Skipped != nil:
					suite.Skipped++
				}
			}
		}
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Errors: suite.Errors, Failures: suite.Failures, Tests: suite.Tests, Time: suite.Time, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "\t")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func (c *collector) junitCase(t *task, h runner.HostEvent) junitCase {
	tc := junitCase{
		Classname: t.Path,
		Name:      fmt.Sprintf("[%s] %s: %s", h.Host, t.Play, t.Name),
		Time:      h.End.Sub(h.Start).Seconds(),
	}
	dump, _ := marshal(h.Result, "")
	out := strings.TrimSpace(string(dump))
	msg, _ := h.Result["msg"].(string)
	switch {
	case h.Status == runner.StatusFailed && !h.Ignored:
		if msg == "" {
			msg = fmt.Sprintf("rc=%v", h.Result["rc"])
		}
		tc.Failure = &junitProblem{Message: msg, Type: "failure", Output: out}
	case h.Status == runner.StatusUnreachable:
		tc.Error = &junitProblem{Message: msg, Type: "unreachable", Output: out}
	case c.failedByChange(h):
		tc.Failure = &junitProblem{Message: failOnChangeMsg, Type: "changed", Output: out}
	case h.Status == runner.StatusSkipped:
		reason, _ := h.Result["skip_reason"].(string)
		if reason == "" {
			reason = "skipped"
		}
		tc.Skipped = &reason
	default:
		tc.SystemOut = out
	}
	return tc
}

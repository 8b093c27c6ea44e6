package modules

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strings"
)

func init() {
	Register(Info{Name: "service_facts", New: func() Module { return &ServiceFacts{} }})
}

// ServiceFacts returns the host's systemd services as the services fact,
// the way Ansible's service_facts reads systemctl's listings.
type ServiceFacts struct{}

// serviceFactsScript lists the loaded units, the unit files, and the active
// state of every unit file (Ansible asks systemctl show for those not loaded).
const serviceFactsScript = `export LC_ALL=C
systemctl list-units --no-pager --type service --all | sed 's/^/U /'
systemctl list-unit-files --no-pager --type service --all | sed 's/^/F /'
for u in $(systemctl list-unit-files --no-pager --no-legend --type service --all | awk '$1 !~ /@\.service$/ { print $1 }'); do
  echo "S $u $(systemctl show "$u" --property=ActiveState --value 2>/dev/null)"
done
`

// Plan reads the listings in one round trip; it never changes anything.
func (s *ServiceFacts) Plan(ctx context.Context, env *Env) (*Plan, error) {
	res, err := env.Host.Run(ctx, serviceFactsScript, nil)
	if err != nil {
		return nil, err
	}
	services := parseServiceFacts(res.Stdout)
	if len(services) == 0 {
		return &Plan{Result: map[string]any{"skipped": true,
			"msg": "Failed to find any services. This can be due to privileges or some other configuration issue."}}, nil
	}
	return &Plan{Result: map[string]any{"ansible_facts": map[string]any{"services": services}}}, nil
}

var badUnitStates = []string{"not-found", "masked", "failed"}

// parseServiceFacts follows Ansible's SystemctlScanService: list-units gives
// state (running or stopped) and status (the active column, or a bad
// state); list-unit-files adds the enablement status and the units not loaded.
func parseServiceFacts(out []byte) map[string]any {
	services := map[string]map[string]any{}
	active := map[string]string{}
	var files [][2]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		tag, line, _ := strings.Cut(sc.Text(), " ")
		if !strings.Contains(line, ".service") && tag != "S" {
			continue
		}
		fields := strings.Fields(line)
		switch tag {
		case "U":
			if len(fields) > 0 && !strings.Contains(fields[0], ".service") {
				fields = fields[1:] // the ● mark
			}
			if len(fields) < 4 {
				continue
			}
			status := fields[2]
			if i := slices.IndexFunc(fields, func(f string) bool { return slices.Contains(badUnitStates, f) }); i >= 0 {
				status = fields[i]
			}
			state := "stopped"
			if fields[3] == "running" {
				state = "running"
			}
			services[fields[0]] = map[string]any{"name": fields[0], "state": state, "status": status, "source": "systemd"}
		case "F":
			if len(fields) >= 2 {
				files = append(files, [2]string{fields[0], fields[1]})
			}
		case "S":
			if len(fields) == 2 {
				active[fields[0]] = fields[1]
			}
		}
	}
	for _, f := range files {
		name, status := f[0], f[1]
		svc, ok := services[name]
		switch {
		case !ok:
			state := active[name]
			if state == "" {
				state = "unknown"
			}
			services[name] = map[string]any{"name": name, "state": state, "status": status, "source": "systemd"}
		case !slices.Contains(badUnitStates, svc["status"].(string)):
			svc["status"] = status
		}
	}
	result := make(map[string]any, len(services))
	for k, v := range services {
		result[k] = v
	}
	return result
}

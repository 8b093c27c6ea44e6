package jinja

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// TemplateVars are the variables Ansible's template action and template
// lookup add for a template file (generate_ansible_template_vars): src as
// the task gave it, the file's full path, the destination (nil for the
// lookup), the controller's host name, the file's owner and times.
func TemplateVars(src, fullpath, dest string) map[string]any {
	host, _ := os.Hostname()
	if fullpath == "" {
		fullpath, _ = filepath.Abs(src)
	}
	vars := map[string]any{
		"template_host":     host,
		"template_path":     src,
		"template_fullpath": fullpath,
		"template_destpath": nil,
		"template_run_date": datetime{time.Now()},
	}
	if dest != "" {
		vars["template_destpath"] = dest
	}
	if st, err := os.Stat(fullpath); err == nil {
		vars["template_mtime"] = datetime{st.ModTime()}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			uid := strconv.FormatUint(uint64(sys.Uid), 10)
			vars["template_uid"] = uid
			if u, err := user.LookupId(uid); err == nil {
				vars["template_uid"] = u.Username
			}
		}
	}
	return vars
}

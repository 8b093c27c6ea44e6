package modules

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"play/connection"
)

func TestMountFstab(t *testing.T) {
	const fstab = "# comment\n/dev/sdc1 /old ext4 defaults 0 2\nUUID=abc /srv/keep xfs noatime\n"
	tests := []struct {
		name, state string
		args        map[string]any
		after       string // fstab after, "" when unchanged
	}{
		{"append", "present", map[string]any{"path": "/srv/data", "src": "/dev/sdb1", "fstype": "ext4", "opts": "noatime"},
			fstab + "/dev/sdb1 /srv/data ext4 noatime 0 0\n"},
		{"same entry with 4 fields", "present", map[string]any{"path": "/srv/keep", "src": "UUID=abc", "fstype": "xfs", "opts": "noatime"}, ""},
		{"rewritten", "present", map[string]any{"path": "/srv/keep", "src": "UUID=abc", "fstype": "xfs", "opts": "noatime,nodev", "passno": "2"},
			"# comment\n/dev/sdc1 /old ext4 defaults 0 2\nUUID=abc /srv/keep xfs noatime,nodev 0 2\n"},
		{"boot false adds noauto", "present", map[string]any{"path": "/b", "src": "LABEL=b", "fstype": "ext4", "opts": "ro", "boot": false},
			fstab + "LABEL=b /b ext4 ro,noauto 0 0\n"},
		{"escaped", "present", map[string]any{"path": "/srv/my data", "src": "//nas/a&b", "fstype": "cifs"},
			fstab + `//nas/a\046b /srv/my\040data cifs defaults 0 0` + "\n"},
		{"removed", "absent_from_fstab", map[string]any{"path": "/old"}, "# comment\nUUID=abc /srv/keep xfs noatime\n"},
		{"4 fields are not removed", "absent_from_fstab", map[string]any{"path": "/srv/keep"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.args["state"] = tt.state
			p, err := planFrom(t, "mount", tt.args, "::play:: fstab\n"+fstab+"::play:: ismount\n::play:: exists\n::play:: mountinfo\n")
			if err != nil {
				t.Fatal(err)
			}
			if tt.after == "" {
				if len(p.Steps) != 0 {
					t.Errorf("steps %v, want none", p.Steps)
				}
				return
			}
			if len(p.Steps) != 1 || string(p.Steps[0].Stdin) != tt.after {
				t.Errorf("fstab after:\n%s\nwant:\n%s", p.Steps[0].Stdin, tt.after)
			}
		})
	}
}

// mountinfoLab is /proc/self/mountinfo on a lab host with a tmpfs and a bind mount.
const mountinfoLab = `2239 2179 0:273 / / rw,relatime shared:796 - overlay play-lab-mdx1 rw
2260 2239 0:300 / /mnt/t rw,relatime shared:810 - tmpfs tmpfs rw,size=1024k
2261 2239 0:273 /srv/src /mnt/bind rw,relatime shared:796 - overlay play-lab-mdx1 rw
`

func TestMountinfo(t *testing.T) {
	got := mountinfo(mountinfoLab)
	// Ansible's get_linux_mounts gives a mount under a known parent its root as source.
	want := map[string]string{"/": "play-lab-mdx1", "/mnt/t": "/", "/mnt/bind": "/srv/src"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mountinfo = %v, want %v", got, want)
	}
}

func TestMountPlan(t *testing.T) {
	entry := "tmpfs /mnt/t tmpfs size=1m 0 0\n"
	mounted := "::play:: fstab\n" + entry + "::play:: ismount\nyes\n::play:: exists\nyes\n::play:: mountinfo\n" + mountinfoLab
	unmounted := "::play:: fstab\n" + entry + "::play:: ismount\n::play:: exists\nyes\n::play:: mountinfo\n"
	tests := []struct {
		name  string
		args  map[string]any
		probe string
		steps []string // a part of each step's script
		err   string
	}{
		{"mounted already", map[string]any{"path": "/mnt/t", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m", "state": "mounted"}, mounted, nil, ""},
		{"options changed: remount", map[string]any{"path": "/mnt/t", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=2m", "state": "mounted"}, mounted,
			[]string{"mv -f", "mount -o remount /mnt/t"}, ""},
		{"not mounted: mount", map[string]any{"path": "/mnt/t", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m", "state": "mounted"}, unmounted,
			[]string{"out=$(mount /mnt/t 2>&1)"}, ""},
		{"new mount point made", map[string]any{"path": "/mnt/n", "src": "tmpfs", "fstype": "tmpfs", "state": "mounted", "fstab": "/etc/fstab.play"},
			"::play:: ismount\n::play:: exists\n::play:: mountinfo\n", []string{"mkdir -p -- /etc", "mkdir -p /mnt/n 2>&1) || { echo 'Error making dir /mnt/n: '\"${out#mkdir: }\" >&2; exit 1; }\nout=$(mount -T /etc/fstab.play /mnt/n"}, ""},
		{"unmounted", map[string]any{"path": "/mnt/t", "state": "unmounted"}, mounted, []string{"umount /mnt/t"}, ""},
		{"unmounted already", map[string]any{"path": "/mnt/t", "state": "unmounted"}, unmounted, nil, ""},
		{"absent", map[string]any{"path": "/mnt/t", "state": "absent"}, mounted, []string{"mv -f", "umount /mnt/t"}, ""},
		{"remounted always", map[string]any{"path": "/mnt/t", "state": "remounted"}, mounted, []string{"mount -o remount /mnt/t"}, ""},
		{"ephemeral", map[string]any{"path": "/mnt/e", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m", "state": "ephemeral"},
			"::play:: ismount\n::play:: exists\nyes\n::play:: mountinfo\n", []string{"mount -t tmpfs -o size=1m tmpfs /mnt/e"}, ""},
		{"ephemeral on the same source: remount", map[string]any{"path": "/mnt/t", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m", "state": "ephemeral"},
			mounted + "::play:: mounts\ntmpfs on /mnt/t type tmpfs (rw,relatime,size=1024k)\n", []string{"mount -o remount -t tmpfs -o size=1m tmpfs /mnt/t"}, ""},
		{"ephemeral on another source", map[string]any{"path": "/mnt/bind", "src": "/srv/other", "fstype": "none", "state": "ephemeral"}, mounted, nil,
			`Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.`},
		{"required", map[string]any{"path": "/mnt/t", "src": "tmpfs", "state": "mounted"}, "", nil, "state is mounted but all of the following are missing: fstype"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFrom(t, "mount", tt.args, tt.probe)
			if failure(err) != tt.err {
				t.Fatalf("error %q, want %q", failure(err), tt.err)
			}
			if err != nil {
				return
			}
			if len(p.Steps) != len(tt.steps) {
				t.Fatalf("%d steps, want %d: %v", len(p.Steps), len(tt.steps), p.Steps)
			}
			for i, s := range tt.steps {
				if !strings.Contains(p.Steps[i].Script, s) {
					t.Errorf("step %d lacks %q:\n%s", i, s, p.Steps[i].Script)
				}
			}
		})
	}
}

// A failed mount's message is the command's output with its newline and no
// rc, as ansible-playbook 2.14 returns it; other failures are trimmed.
func TestFinishMount(t *testing.T) {
	tests := []struct{ stderr, want string }{
		{"Error mounting /mnt/x: mount: /mnt/x: special device /dev/no does not exist.\n", "Error mounting /mnt/x: mount: /mnt/x: special device /dev/no does not exist.\n"},
		{"Error unmounting /mnt/x: umount: /mnt/x: not mounted.\n", "Error unmounting /mnt/x: umount: /mnt/x: not mounted.\n"},
		{"Error rmdir /mnt/x: Directory not empty\n", "Error rmdir /mnt/x: Directory not empty"},
	}
	for _, tt := range tests {
		_, err := finishMount(false)([]connection.Result{{RC: 0}, {RC: 1, Stderr: []byte(tt.stderr)}})
		var f *Failure
		if !errors.As(err, &f) || f.Msg != tt.want || f.Result != nil {
			t.Errorf("%q: %#v, want Failure %q without rc", tt.stderr, err, tt.want)
		}
	}
	if res, err := finishMount(false)([]connection.Result{{RC: 0}}); err != nil || res != nil {
		t.Errorf("success: %v, %v", res, err)
	}
}

package modules

import (
	"context"
)

func init() {
	Register(Info{Name: "stat", New: func() Module { return &Stat{} }})
}

// Stat returns facts about a path: type, mode, owner, size, checksum...
type Stat struct {
	// Path is the path to look at.
	Path string `arg:"path,required" aliases:"dest,name"`
	// Follow looks at what a symlink points to.
	Follow bool `arg:"follow"`
	// GetChecksum returns the file's checksum.
	GetChecksum *bool `arg:"get_checksum"`
	// ChecksumAlgorithm is the checksum's algorithm.
	ChecksumAlgorithm string `arg:"checksum_algorithm" aliases:"checksum,checksum_algo" choices:"md5,sha1,sha224,sha256,sha384,sha512"`
	// GetMime is accepted for compatibility; play never returns mime types.
	GetMime bool `arg:"get_mime" aliases:"mime,mime_type,mime-type"`
	// GetAttributes is accepted for compatibility; play never returns lsattr attributes.
	GetAttributes bool `arg:"get_attributes" aliases:"attr,attributes"`
}

// Plan implements Module: one probe, no steps.
func (s *Stat) Plan(ctx context.Context, env *Env) (*Plan, error) {
	pr, err := ProbeFiles(ctx, env.Host, Probe{Path: s.Path, Follow: s.Follow,
		Checksum: s.GetChecksum == nil || *s.GetChecksum, Algorithm: s.ChecksumAlgorithm})
	if err != nil {
		return nil, err
	}
	return &Plan{Result: map[string]any{"stat": statResult(&pr.Files[0], &pr.User)}}, nil
}

// statResult is Ansible's stat dict for a probed path, seen by user.
func statResult(st *FileState, user *FileState) map[string]any {
	if !st.Exists {
		return map[string]any{"exists": false}
	}
	m := st.Mode
	r := map[string]any{
		"exists": true, "path": st.Path, "mode": FormatMode(m),
		"isdir": st.Type == "directory", "isreg": st.Type == "file", "islnk": st.Type == "link",
		"ischr": st.RawType == "character special file", "isblk": st.RawType == "block special file",
		"isfifo": st.RawType == "fifo", "issock": st.RawType == "socket",
		"uid": st.UID, "gid": st.GID, "pw_name": st.Owner, "gr_name": st.Group,
		"size": st.Size, "mtime": st.Mtime, "atime": st.Atime, "nlink": st.Nlink,
		"rusr": m&0o400 != 0, "wusr": m&0o200 != 0, "xusr": m&0o100 != 0,
		"rgrp": m&0o040 != 0, "wgrp": m&0o020 != 0, "xgrp": m&0o010 != 0,
		"roth": m&0o004 != 0, "woth": m&0o002 != 0, "xoth": m&0o001 != 0,
		"isuid": m&0o4000 != 0, "isgid": m&0o2000 != 0,
	}
	r["readable"], r["writeable"], r["executable"] = access(st, user)
	if st.Checksum != "" {
		r["checksum"] = st.Checksum
	}
	if st.LinkTarget != "" {
		r["lnk_target"], r["lnk_source"] = st.LinkTarget, st.RealPath
	}
	return r
}

// access is what access(2) answers user for the path (stat's readable, writeable and
// executable): root reads and writes anything and executes what has an x bit; others get
// the owner's, the group's (primary group only) or everyone's bits.
func access(st *FileState, user *FileState) (r, w, x bool) {
	m := st.Mode
	if user.UID == 0 {
		return true, true, m&0o111 != 0
	}
	switch {
	case user.UID == st.UID:
		m >>= 6
	case user.GID == st.GID:
		m >>= 3
	}
	return m&4 != 0, m&2 != 0, m&1 != 0
}

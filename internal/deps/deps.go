// Package deps pins the libraries the project has chosen while the packages
// that use them are being written. Delete it once every import below is used.
package deps

import (
	_ "github.com/aymanbagabas/go-udiff"
	_ "github.com/kevinburke/ssh_config"
	_ "github.com/nikolalohinski/gonja/v2"
	_ "github.com/pkg/sftp"
	_ "github.com/skeema/knownhosts"
	_ "github.com/urfave/cli/v3"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/crypto/ssh"
	_ "golang.org/x/crypto/ssh/agent"
)

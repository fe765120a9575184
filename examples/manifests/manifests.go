package manifests

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// FS returns the bundled example manifests (*.yaml at the root of the
// returned file system).
func FS() fs.FS { return files }

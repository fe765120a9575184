package version

import (
	"runtime/debug"
	"strings"
)

// Devel is the version of a main module built from a checkout without a
// VCS stamp (go build -buildvcs=false, or a toolchain that does not stamp).
const Devel = "(devel)"

// Library is the library's module path, named in the version line of a
// command built in another module.
const Library = "github.com/avil4/avil4"

// String returns the version line of the command cmd, e.g.
//
//	translate github.com/avil4/avil4 v0.1.0
//	translate github.com/avil4/avil4 (devel) revision 55917d2 modified go1.26.0
//
// The module version is what the toolchain recorded (a tag, a pseudo-version
// with +dirty, or (devel)); revision and modified come from the vcs.revision
// and vcs.modified build settings when present. A command built in another
// module (the example operator's, github.com/avil4/avil4/examples/controller)
// also names the library module it was built with, after its own:
//
//	controller github.com/avil4/avil4/examples/controller (devel) with github.com/avil4/avil4 (devel) => ../.. go1.26.0
func String(cmd string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return cmd + " " + Devel + " (no build information)"
	}
	return Format(cmd, bi)
}

// Format is String for given build information (nil gives the "(no build
// information)" line).
func Format(cmd string, bi *debug.BuildInfo) string {
	if bi == nil {
		return cmd + " " + Devel + " (no build information)"
	}
	path := bi.Main.Path
	if path == "" {
		path = bi.Path
	}
	v := bi.Main.Version
	if v == "" {
		v = Devel
	}
	parts := []string{cmd, path, v}
	var rev string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		parts = append(parts, "revision", rev)
		if modified {
			parts = append(parts, "modified")
		}
	}
	if path != Library {
		for _, d := range bi.Deps {
			if d == nil || d.Path != Library {
				continue
			}
			parts = append(parts, "with", d.Path, d.Version)
			if d.Replace != nil {
				parts = append(parts, "=>", d.Replace.Path, d.Replace.Version)
			}
		}
	}
	if bi.GoVersion != "" {
		parts = append(parts, bi.GoVersion)
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

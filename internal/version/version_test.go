package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	mod := debug.Module{Path: "github.com/avil4/avil4", Version: "v0.1.0"}
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"none", nil, "translate (devel) (no build information)"},
		{"tagged", &debug.BuildInfo{GoVersion: "go1.26.0", Main: mod}, "translate github.com/avil4/avil4 v0.1.0 go1.26.0"},
		{"checkout", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/avil4/avil4", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "55917d2"}, {Key: "vcs.modified", Value: "true"}}},
			"translate github.com/avil4/avil4 (devel) revision 55917d2 modified go1.26.0"},
		{"clean-checkout", &debug.BuildInfo{Main: mod, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"translate github.com/avil4/avil4 v0.1.0 revision abc"},
		{"no-main-version", &debug.BuildInfo{Path: "github.com/avil4/avil4/examples/translate"},
			"translate github.com/avil4/avil4/examples/translate (devel)"},
		{"operator-module", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/avil4/avil4/examples/controller", Version: "(devel)"},
			Deps: []*debug.Module{{Path: "k8s.io/api", Version: "v0.37.2"}, {Path: "github.com/avil4/avil4", Version: "(devel)", Replace: &debug.Module{Path: "../.."}}}},
			"translate github.com/avil4/avil4/examples/controller (devel) with github.com/avil4/avil4 (devel) => ../.. go1.26.0"},
		{"library-dependency", &debug.BuildInfo{Main: debug.Module{Path: "example.com/user", Version: "v1.0.0"},
			Deps: []*debug.Module{{Path: "github.com/avil4/avil4", Version: "v0.2.0"}}},
			"translate example.com/user v1.0.0 with github.com/avil4/avil4 v0.2.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Format("translate", tc.bi); got != tc.want {
				t.Errorf("Format = %q, want %q", got, tc.want)
			}
		})
	}
	if got := String("x"); !strings.HasPrefix(got, "x ") {
		t.Errorf("String = %q", got)
	}
}

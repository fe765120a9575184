package testskip

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// The variables that make a missing asset a failure; .ci/run sets both to 1.
const (
	// RequireEnvtest fails the envtest suites when kube-apiserver and etcd
	// (KUBEBUILDER_ASSETS) are missing or cannot start.
	RequireEnvtest = "AVIL4_REQUIRE_ENVTEST"
	// RequireShared fails the tests that read ../shared (the Avi schema,
	// the controller recordings) when it is absent.
	RequireShared = "AVIL4_REQUIRE_SHARED"
)

// Required reports whether the environment variable env is "1".
func Required(env string) bool { return os.Getenv(env) == "1" }

var (
	mu        sync.Mutex
	announced = map[string]bool{}
	// Where Announce writes (tests change them).
	stderr  io.Writer = os.Stderr
	ttyPath           = "/dev/tty"
)

// Skip fails tb when env is required (Required), and otherwise announces
// the skip (Announce) and skips tb with the same message. what names what
// is skipped ("the envtest suite of examples/controller/reconciler"),
// reason says why and how to make it run.
func Skip(tb testing.TB, env, what, reason string) {
	tb.Helper()
	if Required(env) {
		tb.Fatalf("%s cannot run: %s (%s=1: failing instead of skipping)", what, reason, env)
	}
	Announce(what, reason)
	tb.Skipf("SKIP %s: %s (set %s=1 to fail instead)", what, reason, env)
}

// Announce prints "SKIP [dir] what: reason" once per distinct message, dir
// being the package's folder in the module (where go test runs a test
// binary): on stderr and, when stderr is not a terminal, on /dev/tty if it
// can be opened.
func Announce(what, reason string) {
	line := fmt.Sprintf("SKIP %s%s: %s\n", packageDir(), what, reason)
	mu.Lock()
	defer mu.Unlock()
	if announced[line] {
		return
	}
	announced[line] = true
	fmt.Fprint(stderr, line)
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		return
	}
	if tty, err := os.OpenFile(ttyPath, os.O_WRONLY, 0); err == nil {
		_, _ = io.WriteString(tty, line)
		_ = tty.Close()
	}
}

// packageDir is "[examples/controller] " for a test binary running in that
// folder of the repository, "" when neither a go.work nor a go.mod is found
// above it. The repository root is the directory holding go.work (the
// workspace of the library and the operator's nested module); without one,
// the nearest go.mod's directory.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	root := ""
	for _, marker := range []string{"go.work", "go.mod"} {
		for d := wd; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				root = d
				break
			}
		}
		if root != "" {
			break
		}
	}
	if root == "" {
		return ""
	}
	rel, err := filepath.Rel(root, wd)
	if err != nil {
		return ""
	}
	return "[" + filepath.ToSlash(rel) + "] "
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

package testskip

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestRequired(t *testing.T) {
	t.Setenv("AVIL4_TESTSKIP_X", "1")
	if !Required("AVIL4_TESTSKIP_X") {
		t.Error(`Required with "1" = false`)
	}
	for _, v := range []string{"", "0", "true"} {
		t.Setenv("AVIL4_TESTSKIP_X", v)
		if Required("AVIL4_TESTSKIP_X") {
			t.Errorf("Required with %q = true", v)
		}
	}
}

func TestAnnounceOnce(t *testing.T) {
	var buf bytes.Buffer
	tty := filepath.Join(t.TempDir(), "tty")
	if err := os.WriteFile(tty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	stderr, ttyPath = &buf, tty
	defer func() { stderr, ttyPath = os.Stderr, "/dev/tty" }()
	Announce("the suite", "assets missing; run make-assets")
	Announce("the suite", "assets missing; run make-assets")
	const want = "SKIP [internal/testskip] the suite: assets missing; run make-assets\n"
	if buf.String() != want {
		t.Errorf("stderr got %q, want %q once", buf.String(), want)
	}
	if got, _ := os.ReadFile(tty); string(got) != want {
		t.Errorf("terminal got %q, want %q once", got, want)
	}
}

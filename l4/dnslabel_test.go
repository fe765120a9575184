package l4

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation"
)

// TestDNS1123LabelProblems: the fast path answers as apimachinery does.
func TestDNS1123LabelProblems(t *testing.T) {
	for _, s := range []string{"", "a", "p0", "my-port", "-a", "a-", "A", "a_b", "a.b", "0", "9-9", "é",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a\n", " a", "a--b", "http", "sctp-38412"} {
		if diff := cmp.Diff(validation.IsDNS1123Label(s), dns1123LabelProblems(s)); diff != "" {
			t.Errorf("%q (-apimachinery +fast):\n%s", s, diff)
		}
	}
}

func FuzzDNS1123LabelProblems(f *testing.F) {
	f.Add("my-port")
	f.Fuzz(func(t *testing.T, s string) {
		if diff := cmp.Diff(validation.IsDNS1123Label(s), dns1123LabelProblems(s)); diff != "" {
			t.Errorf("%q (-apimachinery +fast):\n%s", s, diff)
		}
	})
}

package aviobj_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

func TestRefByName(t *testing.T) {
	tests := []struct {
		name    string
		kind    aviobj.Kind
		objName string
		want    string
	}{
		{name: "plain-pool-name", kind: aviobj.KindPool, objName: "cluster--red-ns-testsvc-SCTP-8080", want: "/api/pool/?name=cluster--red-ns-testsvc-SCTP-8080"},
		{name: "system-network-profile", kind: aviobj.KindNetworkProfile, objName: "System-SCTP-Proxy", want: "/api/networkprofile/?name=System-SCTP-Proxy"},
		{name: "space-is-query-escaped", kind: aviobj.KindPool, objName: "my pool", want: "/api/pool/?name=my+pool"},
		{name: "ampersand-does-not-start-a-parameter", kind: aviobj.KindPool, objName: "a&b", want: "/api/pool/?name=a%26b"},
		{name: "hash-does-not-start-a-fragment", kind: aviobj.KindPool, objName: "a#b", want: "/api/pool/?name=a%23b"},
		{name: "slash-stays-out-of-the-path", kind: aviobj.KindPool, objName: "a/b", want: "/api/pool/?name=a%2Fb"},
		{name: "plus-is-not-read-back-as-space", kind: aviobj.KindPool, objName: "a+b", want: "/api/pool/?name=a%2Bb"},
		{name: "percent", kind: aviobj.KindHealthMonitor, objName: "50%", want: "/api/healthmonitor/?name=50%25"},
		{name: "empty-name", kind: aviobj.KindTenant, objName: "", want: "/api/tenant/?name="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aviobj.RefByName(tt.kind, tt.objName); got != tt.want {
				t.Errorf("RefByName(%q, %q) = %q, want %q", tt.kind, tt.objName, got, tt.want)
			}
		})
	}
}

func TestRefByUUID(t *testing.T) {
	if got, want := aviobj.RefByUUID(aviobj.KindVsVip, "vsvip-0d6c"), "/api/vsvip/vsvip-0d6c"; got != want {
		t.Errorf("RefByUUID = %q, want %q", got, want)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want aviobj.Ref
	}{
		{
			name: "by-name-with-slash",
			in:   "/api/pool/?name=x",
			want: aviobj.Ref{Kind: aviobj.KindPool, Name: "x"},
		},
		{
			name: "by-name-without-slash",
			in:   "/api/pool?name=x",
			want: aviobj.Ref{Kind: aviobj.KindPool, Name: "x"},
		},
		{
			name: "by-name-plus-is-space",
			in:   "/api/pool/?name=my+pool",
			want: aviobj.Ref{Kind: aviobj.KindPool, Name: "my pool"},
		},
		{
			name: "by-name-percent-20-is-space",
			in:   "/api/pool/?name=my%20pool",
			want: aviobj.Ref{Kind: aviobj.KindPool, Name: "my pool"},
		},
		{
			name: "by-name-other-kind",
			in:   "/api/networkprofile/?name=System-SCTP-Proxy",
			want: aviobj.Ref{Kind: aviobj.KindNetworkProfile, Name: "System-SCTP-Proxy"},
		},
		{
			name: "by-uuid",
			in:   "/api/pool/pool-abc",
			want: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"},
		},
		{
			name: "by-uuid-trailing-slash",
			in:   "/api/pool/pool-abc/",
			want: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"},
		},
		{
			name: "controller-url-without-name",
			in:   "https://10.0.0.1/api/pool/pool-abc",
			want: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"},
		},
		{
			name: "controller-url-with-name",
			in:   "https://10.0.0.1/api/tenant/admin#admin",
			want: aviobj.Ref{Kind: aviobj.KindTenant, UUID: "admin", Name: "admin"},
		},
		{
			name: "controller-url-with-escaped-name",
			in:   "https://10.0.0.1/api/pool/pool-abc#my%20pool",
			want: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc", Name: "my pool"},
		},
		{
			name: "controller-url-with-raw-name",
			in:   "https://10.0.0.1/api/pool/pool-abc#my pool",
			want: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc", Name: "my pool"},
		},
		{
			name: "controller-url-with-port",
			in:   "https://avi.example.com:8443/api/healthmonitor/healthmonitor-1#System-SCTP",
			want: aviobj.Ref{Kind: aviobj.KindHealthMonitor, UUID: "healthmonitor-1", Name: "System-SCTP"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := aviobj.ParseRef(tt.in)
			if err != nil {
				t.Fatalf("ParseRef(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseRef(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseRefErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "bare-name", in: "pool"},
		{name: "not-under-api", in: "/pool/?name=x"},
		{name: "relative-path", in: "api/pool/?name=x"},
		{name: "no-kind", in: "/api/"},
		{name: "empty-kind", in: "/api//?name=x"},
		{name: "kind-without-target", in: "/api/pool"},
		{name: "kind-with-slash-without-target", in: "/api/pool/"},
		{name: "empty-name-parameter", in: "/api/pool/?name="},
		{name: "other-parameter-only", in: "/api/pool/?tenant=admin"},
		{name: "too-many-path-segments", in: "/api/pool/pool-abc/runtime"},
		{name: "bad-escape", in: "/api/pool/?name=%zz"},
		{name: "controller-url-empty-fragment", in: "https://10.0.0.1/api/pool/#"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := aviobj.ParseRef(tt.in)
			if !errors.Is(err, aviobj.ErrInvalidRef) {
				t.Fatalf("ParseRef(%q) error = %v, want one wrapping ErrInvalidRef", tt.in, err)
			}
			if diff := cmp.Diff(aviobj.Ref{}, got); diff != "" {
				t.Errorf("ParseRef(%q) returned a non-zero Ref with its error (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// A name of any shape survives RefByName -> ParseRef, and Ref.String gives
// back the by-name form.
func TestRefRoundTrip(t *testing.T) {
	names := []string{
		"cluster--red-ns-testsvc-SCTP-8080",
		"my pool",
		"a&b=c",
		"a#b",
		"a/b/c",
		"a+b",
		"50%",
		"?name=x",
		"día ünïcode",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ref := aviobj.RefByName(aviobj.KindPool, name)
			got, err := aviobj.ParseRef(ref)
			if err != nil {
				t.Fatalf("ParseRef(%q): %v", ref, err)
			}
			want := aviobj.Ref{Kind: aviobj.KindPool, Name: name}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseRef(RefByName(%q)) (-want +got):\n%s", name, diff)
			}
			if s := got.String(); s != ref {
				t.Errorf("Ref.String() = %q, want %q", s, ref)
			}
		})
	}
}

func TestRefString(t *testing.T) {
	tests := []struct {
		name string
		ref  aviobj.Ref
		want string
	}{
		{name: "by-name", ref: aviobj.Ref{Kind: aviobj.KindPool, Name: "my pool"}, want: "/api/pool/?name=my+pool"},
		{name: "by-uuid", ref: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"}, want: "/api/pool/pool-abc"},
		{name: "both-prefers-name", ref: aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc", Name: "p"}, want: "/api/pool/?name=p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ref.String(); got != tt.want {
				t.Errorf("%#v.String() = %q, want %q", tt.ref, got, tt.want)
			}
		})
	}
}

func TestRefsEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{name: "identical-by-name", a: "/api/pool/?name=p", b: "/api/pool/?name=p", want: true},
		{name: "by-name-with-and-without-slash", a: "/api/pool/?name=p", b: "/api/pool?name=p", want: true},
		{name: "by-name-vs-controller-uuid-with-name", a: "/api/pool/?name=p", b: "https://10.0.0.1/api/pool/pool-abc#p", want: true},
		{name: "escaped-name-vs-controller-escaped-fragment", a: "/api/pool/?name=my+pool", b: "https://10.0.0.1/api/pool/pool-abc#my%20pool", want: true},
		{name: "by-uuid-vs-controller-uuid-with-name", a: "/api/pool/pool-abc", b: "https://10.0.0.1/api/pool/pool-abc#p", want: true},
		{name: "controller-urls-from-different-hosts", a: "https://10.0.0.1/api/pool/pool-abc#p", b: "https://avi.example.com/api/pool/pool-abc#p", want: true},
		{name: "different-names", a: "/api/pool/?name=p", b: "/api/pool/?name=q", want: false},
		{name: "by-name-vs-controller-url-of-other-name", a: "/api/pool/?name=p", b: "https://10.0.0.1/api/pool/pool-abc#q", want: false},
		{name: "different-kinds-same-name", a: "/api/pool/?name=p", b: "/api/poolgroup/?name=p", want: false},
		{name: "different-kinds-same-uuid", a: "/api/pool/x-1", b: "/api/vsvip/x-1", want: false},
		{name: "by-name-vs-bare-uuid-cannot-be-matched", a: "/api/pool/?name=p", b: "/api/pool/pool-abc", want: false},
		{name: "by-name-vs-controller-url-without-name", a: "/api/pool/?name=p", b: "https://10.0.0.1/api/pool/pool-abc", want: false},
		{name: "different-uuids", a: "/api/pool/pool-abc", b: "/api/pool/pool-def", want: false},
		{name: "both-empty", a: "", b: "", want: true},
		{name: "empty-vs-ref", a: "", b: "/api/pool/?name=p", want: false},
		{name: "same-unparsable-strings", a: "not a ref", b: "not a ref", want: true},
		{name: "different-unparsable-strings", a: "not a ref", b: "also not a ref", want: false},
		{name: "unparsable-vs-ref", a: "p", b: "/api/pool/?name=p", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aviobj.RefsEqual(tt.a, tt.b); got != tt.want {
				t.Errorf("RefsEqual(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := aviobj.RefsEqual(tt.b, tt.a); got != tt.want {
				t.Errorf("RefsEqual(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestRefSameTarget(t *testing.T) {
	tests := []struct {
		name string
		a, b aviobj.Ref
		want bool
	}{
		{
			name: "by-name-vs-uuid-with-name",
			a:    aviobj.Ref{Kind: aviobj.KindPool, Name: "p"},
			b:    aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc", Name: "p"},
			want: true,
		},
		{
			name: "same-uuid",
			a:    aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"},
			b:    aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc", Name: "p"},
			want: true,
		},
		{
			name: "different-kinds",
			a:    aviobj.Ref{Kind: aviobj.KindPool, UUID: "x", Name: "p"},
			b:    aviobj.Ref{Kind: aviobj.KindPoolGroup, UUID: "x", Name: "p"},
			want: false,
		},
		{
			name: "by-name-vs-bare-uuid",
			a:    aviobj.Ref{Kind: aviobj.KindPool, Name: "p"},
			b:    aviobj.Ref{Kind: aviobj.KindPool, UUID: "pool-abc"},
			want: false,
		},
		{
			name: "different-names",
			a:    aviobj.Ref{Kind: aviobj.KindPool, Name: "p"},
			b:    aviobj.Ref{Kind: aviobj.KindPool, Name: "q"},
			want: false,
		},
		{
			name: "zero-refs-name-nothing",
			a:    aviobj.Ref{Kind: aviobj.KindPool},
			b:    aviobj.Ref{Kind: aviobj.KindPool},
			want: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.SameTarget(tt.b); got != tt.want {
				t.Errorf("%#v.SameTarget(%#v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := tt.b.SameTarget(tt.a); got != tt.want {
				t.Errorf("%#v.SameTarget(%#v) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestParseRefByNameIsURL: the allocation-free reading of by-name refs
// gives what the net/url reading gives, for refs of every form.
func TestParseRefByNameIsURL(t *testing.T) {
	for _, s := range []string{
		"/api/pool/?name=p", "/api/pool/?name=c1--ns-svc-TCP-80", "/api/pool/?name=a.b~c_d", "/api/pool/?name=",
		"/api/pool/?name=a+b", "/api/pool/?name=a%20b", "/api/pool/?name=a&name=b", "/api/pool/?name=a#frag",
		"/api/pool/?name=a;b", "/api/pool/?name=a/b", "/api/pool/?name=a?b", "/api//?name=p", "/api/a.b/?name=p",
		"/api/../?name=p", "/api/pool?name=p", "/api/pool/uuid-1", "https://ctl/api/pool/uuid-1#p", "api/pool/?name=p",
		"/api/pool/?name=é", "/api/pool/?name=p%", "/api/pool/?other=1&name=p", "/api/po ol/?name=p", "",
	} {
		fast, err := aviobj.ParseRef(s)
		slow, slowErr := aviobj.ParseRefURL(s)
		if (err == nil) != (slowErr == nil) || err != nil && err.Error() != slowErr.Error() || fast != slow {
			t.Errorf("ParseRef(%q) = %#v, %v; net/url reading: %#v, %v", s, fast, err, slow, slowErr)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = aviobj.ParseRef("/api/pool/?name=c1--ns-svc-TCP-80") }); n != 0 {
		t.Errorf("ParseRef of a plain by-name ref: %v allocations, want 0", n)
	}
}

func FuzzParseRefByNameIsURL(f *testing.F) {
	f.Add("/api/pool/?name=p")
	f.Add("/api/pool/?name=a%2Fb")
	f.Fuzz(func(t *testing.T, s string) {
		fast, err := aviobj.ParseRef(s)
		slow, slowErr := aviobj.ParseRefURL(s)
		if (err == nil) != (slowErr == nil) || err != nil && err.Error() != slowErr.Error() || fast != slow {
			t.Errorf("ParseRef(%q) = %#v, %v; net/url reading: %#v, %v", s, fast, err, slow, slowErr)
		}
	})
}

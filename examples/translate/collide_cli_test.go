package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

// cliOutput is the part of the translate output the collision tests read.
type cliOutput struct {
	Services   []cliEntry `json:"services"`
	SharedVIPs []cliEntry `json:"sharedVIPs"`
	Gateways   []cliEntry `json:"gateways"`
}

// cliEntry is one Service, shared-VIP group or Gateway of the output.
type cliEntry struct {
	Service string       `json:"service"`
	Group   string       `json:"group"`
	Gateway string       `json:"gateway"`
	Errors  []FieldError `json:"errors"`
	Members []cliEntry   `json:"members"`
	Objects []struct {
		Kind aviobj.Kind     `json:"kind"`
		Body json.RawMessage `json:"body"`
	} `json:"objects"`
	Status json.RawMessage `json:"status"`
}

// entry finds "Service ns/name", "group ns/key" or "Gateway ns/name".
func (o cliOutput) entry(t *testing.T, name string) cliEntry {
	t.Helper()
	kind, id, _ := strings.Cut(name, " ")
	var list []cliEntry
	switch kind {
	case "Service":
		list = o.Services
	case "group":
		list = o.SharedVIPs
	case "Gateway":
		list = o.Gateways
	}
	for _, e := range list {
		if e.Service == id || e.Group == id || e.Gateway == id {
			return e
		}
	}
	t.Fatalf("%s is not in the output", name)
	return cliEntry{}
}

// newTyped returns a value of the Go type of an Avi kind.
func newTyped(t *testing.T, k aviobj.Kind) any {
	switch k {
	case aviobj.KindVirtualService:
		return &aviobj.VirtualService{}
	case aviobj.KindVsVip:
		return &aviobj.VsVip{}
	case aviobj.KindPool:
		return &aviobj.Pool{}
	case aviobj.KindL4PolicySet:
		return &aviobj.L4PolicySet{}
	case aviobj.KindHealthMonitor:
		return &aviobj.HealthMonitor{}
	}
	t.Fatalf("unexpected kind %s", k)
	return nil
}

// sentFields returns live (a typed Avi object) with only the fields that
// the body sent sets, into out: the controller fills defaults in the
// others.
func sentFields(t *testing.T, body json.RawMessage, live, out any) any {
	t.Helper()
	var sent, got any
	js, err := json.Marshal(live)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &got); err != nil {
		t.Fatal(err)
	}
	js, err = json.Marshal(prune(sent, got))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// prune drops from got the object members that sent lacks, at every depth.
func prune(sent, got any) any {
	switch s := sent.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return got
		}
		out := map[string]any{}
		for k, v := range s {
			if gv, ok := g[k]; ok {
				out[k] = prune(v, gv)
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(s) {
			return got
		}
		out := make([]any, len(g))
		for i := range g {
			out[i] = prune(s[i], g[i])
		}
		return out
	}
	return got
}

// TestCollisionsCLI runs the translate command against the embedded fake
// controller on each collision shape: the first object in the input is
// applied and its Avi objects on the controller are exactly its
// translation; the second is refused with an error on the documented field,
// has no objects in the output, and wrote nothing.
func TestCollisionsCLI(t *testing.T) {
	for _, tc := range []struct {
		file      string
		kept      string
		refused   string
		wantError FieldError
		// members of a refused group carry the error too.
		members []string
	}{
		{
			file: "collision-service-names.yaml", kept: "Service a-b/c", refused: "Service a/b-c",
			wantError: FieldError{Field: "metadata.name", Type: "FieldValueInvalid", Value: "b-c",
				Detail: `Avi virtualservice "cluster--a-b-c" is already the name of Service a-b/c's objects; rename one of them`},
		},
		{
			file: "collision-shared-vip-service.yaml", kept: "Service shop/web", refused: "group shop/web",
			wantError: FieldError{Field: "metadata.annotations[ako.vmware.com/enable-shared-vip]", Type: "FieldValueInvalid", Value: "web",
				Detail: `Avi virtualservice "cluster--shop-web" is already the name of Service shop/web's objects; rename one of them`},
			members: []string{"shop/api", "shop/cart"},
		},
		{
			file: "collision-gateway-shared-vip.yaml", kept: "group core/ran", refused: "Gateway core/ran",
			wantError: FieldError{Field: "metadata.name", Type: "FieldValueInvalid", Value: "ran",
				Detail: `Avi virtualservice "cluster--core-ran" is already the name of shared-VIP group core/ran's objects; rename one of them`},
		},
		{
			file: "collision-pools.yaml", kept: "Service edge/a-b", refused: "group edge/b",
			wantError: FieldError{Field: "metadata.annotations[ako.vmware.com/enable-shared-vip]", Type: "FieldValueInvalid", Value: "b",
				Detail: `Avi pool "cluster--edge-a-b-TCP-80" is already the name of Service edge/a-b's objects; rename one of them`},
			members: []string{"edge/a"},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var live map[aviobj.Kind][]string
			decodeLive := map[string]any{}
			var out, errb bytes.Buffer
			path := filepath.Join("..", "manifests", "invalid", tc.file)
			code := runWith([]string{"--stats", "-f", path}, strings.NewReader(""), &out, &errb, hooks{fake: func(f *avitest.Server) {
				live = map[aviobj.Kind][]string{}
				for _, k := range []aviobj.Kind{aviobj.KindVirtualService, aviobj.KindVsVip, aviobj.KindPool, aviobj.KindL4PolicySet, aviobj.KindHealthMonitor} {
					for _, n := range f.Names("*", k) {
						live[k] = append(live[k], n)
						tenant, name, _ := strings.Cut(n, "/")
						v := newTyped(t, k)
						if ok, err := f.Decode(tenant, k, name, v); !ok || err != nil {
							t.Errorf("reading %s %s: %v, %v", k, n, ok, err)
						}
						decodeLive[string(k)+" "+n] = v
					}
				}
			}})
			stderr := errb.String()
			if code != exitInvalid {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitInvalid, stderr)
			}
			var o cliOutput
			if err := json.Unmarshal(out.Bytes(), &o); err != nil {
				t.Fatal(err)
			}
			kept, refused := o.entry(t, tc.kept), o.entry(t, tc.refused)

			// The refused object: the error on its field, no objects.
			want := tc.wantError
			want.Message = want.Field + ": Invalid value: \"" + want.Value.(string) + "\": " + want.Detail
			if diff := cmp.Diff([]FieldError{want}, refused.Errors); diff != "" {
				t.Errorf("%s errors (-want +got):\n%s", tc.refused, diff)
			}
			if len(refused.Objects) != 0 {
				t.Errorf("%s still lists %d objects", tc.refused, len(refused.Objects))
			}
			var members []string
			for _, m := range refused.Members {
				members = append(members, m.Service)
				if diff := cmp.Diff([]FieldError{want}, m.Errors); diff != "" {
					t.Errorf("member %s errors (-want +got):\n%s", m.Service, diff)
				}
				if bytes.Contains(m.Status, []byte(`"ip"`)) {
					t.Errorf("member %s of a refused group has a VIP: %s", m.Service, m.Status)
				}
			}
			if diff := cmp.Diff(tc.members, members); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr, "translate: "+strings.TrimPrefix(tc.refused, "group ")) &&
				!strings.Contains(stderr, "translate: shared-VIP "+tc.refused) {
				t.Errorf("stderr does not name %s:\n%s", tc.refused, stderr)
			}
			if !strings.Contains(stderr, "is not applied: "+want.Message) {
				t.Errorf("stderr lacks the refusal %q:\n%s", want.Message, stderr)
			}

			// The kept object: no error, and on the controller exactly its
			// objects, as translated.
			if len(kept.Errors) != 0 || len(kept.Objects) == 0 {
				t.Fatalf("%s: errors %v, %d objects; want no error and objects", tc.kept, kept.Errors, len(kept.Objects))
			}
			wantLive := map[aviobj.Kind][]string{}
			for _, obj := range kept.Objects {
				want := newTyped(t, obj.Kind)
				if err := json.Unmarshal(obj.Body, want); err != nil {
					t.Fatal(err)
				}
				name := "admin/" + want.(aviobj.Object).AviName()
				wantLive[obj.Kind] = append(wantLive[obj.Kind], name)
				got, ok := decodeLive[string(obj.Kind)+" "+name]
				if !ok {
					t.Errorf("%s %s of %s is not on the controller", obj.Kind, name, tc.kept)
					continue
				}
				got = sentFields(t, obj.Body, got, newTyped(t, obj.Kind))
				if diff := cmp.Diff(want, got, aviobj.CmpOptions()); diff != "" {
					t.Errorf("%s %s on the controller differs from %s's translation (-want +live):\n%s", obj.Kind, name, tc.kept, diff)
				}
			}
			for k := range wantLive {
				sort.Strings(wantLive[k])
			}
			if diff := cmp.Diff(wantLive, live); diff != "" {
				t.Errorf("objects on the controller (-%s's +live):\n%s", tc.kept, diff)
			}
			lines := statsLines(t, stderr)
			if len(lines) != 2 || lines[0].Calls.POST != len(kept.Objects) || lines[0].Calls.PUT+lines[0].Calls.DELETE != 0 ||
				lines[1].Calls.POST+lines[1].Calls.PUT+lines[1].Calls.PATCH+lines[1].Calls.DELETE != 0 {
				t.Errorf("stats %+v; want %d POSTs in round 1 and no other write", lines, len(kept.Objects))
			}
		})
	}
}

// TestCollisionSameObjectTwice: one Service given twice (the same file
// twice) is applied once; the second copy is a Duplicate error.
func TestCollisionSameObjectTwice(t *testing.T) {
	f := filepath.Join("..", "manifests", "sctp-loadbalancer.yaml")
	stdout, stderr, code := runCLI(t, "", "--no-apply", "-f", f, "-f", f)
	if code != exitInvalid {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	var o cliOutput
	if err := json.Unmarshal([]byte(stdout), &o); err != nil {
		t.Fatal(err)
	}
	if len(o.Services) != 2 || len(o.Services[0].Errors) != 0 || len(o.Services[0].Objects) == 0 {
		t.Fatalf("want the first copy served: %+v", o.Services)
	}
	want := []FieldError{{Field: "metadata.name", Type: "FieldValueDuplicate", Value: "server",
		Detail:  "Service default/server is given twice (first in " + f + " document 2); only the first is applied",
		Message: `metadata.name: Duplicate value: "server": Service default/server is given twice (first in ` + f + ` document 2); only the first is applied`}}
	if diff := cmp.Diff(want, o.Services[1].Errors); diff != "" {
		t.Errorf("second copy errors (-want +got):\n%s", diff)
	}
}

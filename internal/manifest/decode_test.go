package manifest_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/internal/manifest"
)

// docErr is a DocumentError as the tests compare it.
type docErr struct {
	Pos    string
	Object string
	Fields []string
	Reason string
}

func view(errs []*manifest.DocumentError) []docErr {
	var out []docErr
	for _, e := range errs {
		d := docErr{Pos: e.Position.String(), Object: e.Object(), Reason: e.Reason}
		for _, fe := range e.Errors {
			d.Fields = append(d.Fields, fe.Error())
		}
		out = append(out, d)
	}
	return out
}

func names(b *manifest.Bundle) []string {
	var out []string
	for _, s := range b.Services {
		out = append(out, "Service "+s.Namespace+"/"+s.Name)
	}
	for _, g := range b.Gateways {
		out = append(out, "Gateway "+g.Namespace+"/"+g.Name)
	}
	for _, g := range b.LegacyGateways {
		out = append(out, "LegacyGateway "+g.Namespace+"/"+g.Name)
	}
	for _, d := range b.Other {
		out = append(out, "Other "+d.String())
	}
	return out
}

const (
	okService  = "apiVersion: v1\nkind: Service\nmetadata: {name: ok}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n"
	okService2 = "apiVersion: v1\nkind: Service\nmetadata: {name: ok2, namespace: ns}\nspec: {type: LoadBalancer, ports: [{port: 81}]}\n"
)

func TestDecodeDocuments(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []docErr
		// objects are the decoded objects, by kind, in order.
		objects []string
	}{
		{
			name:    "valid documents",
			in:      okService + "---\n" + okService2,
			objects: []string{"Service default/ok", "Service ns/ok2"},
		},
		{
			name: "a type error names its list index; the documents beside it are decoded",
			in: okService + "---\n" + `apiVersion: v1
kind: Service
metadata: {name: bad}
spec:
  type: LoadBalancer
  ports: [{port: 80}, {port: "81"}]
---
` + okService2,
			want: []docErr{{Pos: "in.yaml document 2", Object: "v1 Service default/bad",
				Fields: []string{`spec.ports[1].port: Invalid value: "81": must be an integer, not a string`}}},
			objects: []string{"Service default/ok", "Service ns/ok2"},
		},
		{
			name: "every bad field of a document is reported",
			in: `apiVersion: v1
kind: Service
metadata: {name: many, annotations: {ako.vmware.com/enable-shared-vip: 1}}
spec:
  type: LoadBalancer
  ports:
  - {port: 80, targetPort: true}
  - {port: 99999999999}
  - {port: 1.5, bogus: x}
`,
			want: []docErr{{Pos: "in.yaml document 1", Object: "v1 Service default/many", Fields: []string{
				`metadata.annotations[ako.vmware.com/enable-shared-vip]: Invalid value: 1: must be a string, not a number`,
				`spec.ports[0].targetPort: Invalid value: true: must be an integer or a string, not a boolean`,
				`spec.ports[1].port: Invalid value: 99999999999: out of range for int32`,
				`spec.ports[2].bogus: Forbidden: unknown field (field names are case-sensitive)`,
				`spec.ports[2].port: Invalid value: 1.5: must be an integer`,
			}}},
		},
		{
			name: "keys are case-sensitive",
			in:   "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  Ports: [{port: 80}]\n",
			want: []docErr{{Pos: "in.yaml document 1", Object: "v1 Service default/c",
				Fields: []string{`spec.Ports: Forbidden: unknown field (field names are case-sensitive)`}}},
		},
		{
			name: "Kind with a capital K is no kind",
			in:   "apiVersion: v1\nKind: Service\nmetadata: {name: c}\n",
			want: []docErr{{Pos: "in.yaml document 1", Object: "c",
				Fields: []string{`kind: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`}}},
		},
		{
			name: "an unknown top-level field",
			in:   okService + "bogus: 1\n",
			want: []docErr{{Pos: "in.yaml document 1", Object: "v1 Service default/ok",
				Fields: []string{`bogus: Forbidden: unknown field (field names are case-sensitive)`}}},
		},
		{
			name: "a duplicate key names its path and lines",
			in: okService + "---\n" + `apiVersion: v1
kind: Service
metadata:
  name: dup
  annotations:
    a.example/x: "1"
    a.example/x: "2"
spec:
  ports:
  - port: 80
    port: 81
`,
			want: []docErr{{Pos: "in.yaml document 2", Object: "v1 Service default/dup", Fields: []string{
				`metadata.annotations[a.example/x]: Duplicate value: "a.example/x": the key is repeated on line 7 (first on line 6 of the document); keep one`,
				`spec.ports[0].port: Duplicate value: "port": the key is repeated on line 11 (first on line 10 of the document); keep one`,
			}}},
			objects: []string{"Service default/ok"},
		},
		{
			name: "a wrong apiVersion of a known kind",
			in: `apiVersion: v2
kind: Service
metadata: {name: v2}
---
apiVersion: v1
kind: Gateway
metadata: {name: core}
---
apiVersion: gateway.networking.k8s.io/v1beta2
kind: Gateway
metadata: {name: beta, namespace: gw}
---
apiVersion: discovery.k8s.io/v1beta1
kind: EndpointSlice
metadata: {name: old}
`,
			want: []docErr{
				{Pos: "in.yaml document 1", Object: "v2 Service v2", Fields: []string{`apiVersion: Unsupported value: "v2": supported values: "v1"`}},
				{Pos: "in.yaml document 2", Object: "v1 Gateway core",
					Fields: []string{`apiVersion: Unsupported value: "v1": supported values: "gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1", "networking.x-k8s.io/v1alpha1"`}},
				{Pos: "in.yaml document 3", Object: "gateway.networking.k8s.io/v1beta2 Gateway gw/beta",
					Fields: []string{`apiVersion: Unsupported value: "gateway.networking.k8s.io/v1beta2": supported values: "gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1", "networking.x-k8s.io/v1alpha1"`}},
				{Pos: "in.yaml document 4", Object: "discovery.k8s.io/v1beta1 EndpointSlice old",
					Fields: []string{`apiVersion: Unsupported value: "discovery.k8s.io/v1beta1": supported values: "discovery.k8s.io/v1"`}},
			},
		},
		{
			name: "kinds of other groups that share a name are noted, not refused",
			in: `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: istio}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
`,
			objects: []string{
				"Other serving.knative.dev/v1 Service hello (in.yaml document 1)",
				"Other networking.istio.io/v1 Gateway istio/ingress (in.yaml document 2)",
				"Other apps/v1 Deployment web (in.yaml document 3)",
			},
		},
		{
			name: "apiVersion and kind are required strings",
			in: `kind: Service
metadata: {name: a}
---
apiVersion: v1
metadata: {name: b}
---
apiVersion: 1
kind: [Service]
---
apiVersion: a/b/c
kind: Thing
---
{}
`,
			want: []docErr{
				{Pos: "in.yaml document 1", Object: "Service a", Fields: []string{`apiVersion: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`}},
				{Pos: "in.yaml document 2", Object: "b", Fields: []string{`kind: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`}},
				{Pos: "in.yaml document 3", Fields: []string{`apiVersion: Invalid value: 1: must be a string`, `kind: Invalid value: must be a string`}},
				{Pos: "in.yaml document 4", Object: "a/b/c Thing", Fields: []string{`apiVersion: Invalid value: "a/b/c": must be <version> or <group>/<version>`}},
				{Pos: "in.yaml document 5", Fields: []string{
					`apiVersion: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`,
					`kind: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`,
				}},
			},
		},
		{
			name:    "empty documents are skipped but counted when they hold comments",
			in:      "---\n---\n# only a comment\n---\n\n---\n" + okService + "---\n",
			objects: []string{"Service default/ok"},
		},
		{
			name: "a YAML syntax error or a document that is no mapping spoils only itself",
			in:   "a: [\n---\n- x\n---\nplain\n---\n" + okService,
			want: []docErr{
				{Pos: "in.yaml document 1", Reason: "yaml: line 1: did not find expected node content (lines count from the start of the document)"},
				{Pos: "in.yaml document 2", Reason: "not a Kubernetes object: a list, not a mapping"},
				{Pos: "in.yaml document 3", Reason: "not a Kubernetes object: a string, not a mapping"},
			},
			objects: []string{"Service default/ok"},
		},
		{
			name: "values that decode themselves: quantities and times",
			in: `apiVersion: v1
kind: Pod
metadata: {name: p, creationTimestamp: 5}
spec:
  containers: [{name: c, resources: {limits: {cpu: lots}}}]
`,
			want: []docErr{{Pos: "in.yaml document 1", Object: "v1 Pod default/p", Fields: []string{
				`metadata.creationTimestamp: Invalid value: 5: must be a string, not a number`,
				`spec.containers[0].resources.limits[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
			}}},
		},
		{
			name: "a List is unpacked; each item is decoded or reported with its index",
			in: okService + "---\n" + `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- apiVersion: v1
  kind: Service
  metadata: {name: first, namespace: a}
  spec: {type: LoadBalancer, ports: [{port: 80}]}
- apiVersion: v1
  kind: Service
  metadata: {name: broken, namespace: a}
  spec: {ports: [{port: x}]}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: a}
- apiVersion: v1
  kind: List
  items: []
- 5
- kind: Service
  metadata: {name: nokind}
- apiVersion: gateway.networking.k8s.io/v1
  kind: Gateway
  metadata: {name: gw, namespace: a}
  spec: {gatewayClassName: avi-lb, listeners: [{name: l, port: 80, protocol: TCP}]}
`,
			want: []docErr{
				{Pos: "in.yaml document 2, items[1]", Object: "v1 Service a/broken", Fields: []string{`spec.ports[0].port: Invalid value: "x": must be an integer, not a string`}},
				{Pos: "in.yaml document 2, items[3]", Object: "v1 List", Fields: []string{`kind: Forbidden: a List item cannot itself be a List`}},
				{Pos: "in.yaml document 2, items[4]", Reason: "not a Kubernetes object: a number, not a mapping"},
				{Pos: "in.yaml document 2, items[5]", Object: "Service nokind", Fields: []string{`apiVersion: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`}},
			},
			objects: []string{"Service default/ok", "Service a/first", "Gateway a/gw", "Other apps/v1 Deployment a/web (in.yaml document 2, items[2])"},
		},
		{
			name: "a typed list as the API server returns it: items inherit kind and apiVersion",
			in: `apiVersion: v1
kind: ServiceList
items:
- metadata: {name: one}
  spec: {type: LoadBalancer, ports: [{port: 80}]}
- apiVersion: v1
  kind: Service
  metadata: {name: two}
  spec: {type: LoadBalancer, ports: [{port: 80}]}
`,
			objects: []string{"Service default/one", "Service default/two"},
		},
		{
			name: "a List's own fields are strict, and its apiVersion is checked",
			in: `apiVersion: v1
kind: List
item: []
---
apiVersion: apps/v1
kind: List
items: []
---
apiVersion: v2
kind: ServiceList
items: []
---
apiVersion: v1
kind: List
items: {}
`,
			want: []docErr{
				{Pos: "in.yaml document 1", Object: "v1 List", Fields: []string{`item: Forbidden: unknown field (field names are case-sensitive)`}},
				{Pos: "in.yaml document 2", Object: "apps/v1 List", Fields: []string{`apiVersion: Unsupported value: "apps/v1": supported values: "v1"`}},
				{Pos: "in.yaml document 3", Object: "v2 ServiceList", Fields: []string{`apiVersion: Unsupported value: "v2": supported values: "v1"`}},
				{Pos: "in.yaml document 4", Object: "v1 List", Fields: []string{`items: Invalid value: must be a list, not an object`}},
			},
		},
		{
			name: "a kind ending in List without items is an ordinary kind",
			in:   "apiVersion: example.com/v1\nkind: AccessList\nmetadata: {name: acl}\n",
			objects: []string{
				"Other example.com/v1 AccessList acl (in.yaml document 1)",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b manifest.Bundle
			err := b.Decode(strings.NewReader(tc.in), "in.yaml")
			if diff := cmp.Diff(tc.want, view(b.Errors)); diff != "" {
				t.Errorf("document errors (-want +got):\n%s", diff)
			}
			var de manifest.DecodeErrors
			switch {
			case len(tc.want) == 0 && err != nil:
				t.Errorf("Decode = %v, want nil", err)
			case len(tc.want) > 0 && (!errors.As(err, &de) || len(de) != len(tc.want)):
				t.Errorf("Decode = %v, want DecodeErrors of %d documents", err, len(tc.want))
			}
			if diff := cmp.Diff(tc.objects, names(&b)); diff != "" {
				t.Errorf("decoded objects (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodePositions: Where follows the slices, and Seq ranks objects in
// input order across Decode calls.
func TestDecodePositions(t *testing.T) {
	var b manifest.Bundle
	if err := b.Decode(strings.NewReader(okService+"---\n"+`apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: c, listeners: [{name: l, port: 80, protocol: TCP}]}
`), "one.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := b.Decode(strings.NewReader("apiVersion: v1\nkind: List\nitems:\n- "+strings.ReplaceAll(strings.TrimSpace(okService2), "\n", "\n  ")+"\n"), "two.yaml"); err != nil {
		t.Fatal(err)
	}
	item := 0
	want := manifest.Positions{
		Services: []manifest.Position{{Source: "one.yaml", Document: 1, Seq: 0}, {Source: "two.yaml", Document: 1, Item: &item, Seq: 2}},
		Gateways: []manifest.Position{{Source: "one.yaml", Document: 2, Seq: 1}},
	}
	if diff := cmp.Diff(want, b.Where); diff != "" {
		t.Errorf("Where (-want +got):\n%s", diff)
	}
	if got := b.Where.Services[1].String(); got != "two.yaml document 1, items[0]" {
		t.Errorf("String() = %q", got)
	}
}

// TestDecodeErrorsAccumulate: Decode returns the errors of its own call;
// Bundle.Errors keeps them all.
func TestDecodeErrorsAccumulate(t *testing.T) {
	var b manifest.Bundle
	bad := "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: 1}\n"
	err1 := b.Decode(strings.NewReader(bad), "a.yaml")
	err2 := b.Decode(strings.NewReader(okService), "b.yaml")
	err3 := b.Decode(strings.NewReader(bad), "-")
	if err1 == nil || err2 != nil || err3 == nil {
		t.Fatalf("errors = %v, %v, %v; want one, none, one", err1, err2, err3)
	}
	want := []docErr{
		{Pos: "a.yaml document 1", Object: "v1 Service default/x", Fields: []string{"spec.ports: Invalid value: 1: must be a list, not a number"}},
		{Pos: "<stdin> document 1", Object: "v1 Service default/x", Fields: []string{"spec.ports: Invalid value: 1: must be a list, not a number"}},
	}
	if diff := cmp.Diff(want, view(b.Errors)); diff != "" {
		t.Errorf("Bundle.Errors (-want +got):\n%s", diff)
	}
	if got, want := err3.Error(), "<stdin> document 1 (v1 Service default/x): spec.ports: Invalid value: 1: must be a list, not a number"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestDecodeFieldErrorTypes: the errors are field.Errors of the types a
// machine reader can sort on.
func TestDecodeFieldErrorTypes(t *testing.T) {
	var b manifest.Bundle
	_ = b.Decode(strings.NewReader(`apiVersion: v1
kind: Service
metadata: {name: t}
spec:
  bogus: 1
  ports: [{port: x, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: u}
spec: {ports: [{port: x}], bogus: 1}
---
apiVersion: v3
kind: Service
`), "in.yaml")
	var got [][]field.ErrorType
	for _, e := range b.Errors {
		var types []field.ErrorType
		for _, fe := range e.Errors {
			types = append(types, fe.Type)
		}
		got = append(got, types)
	}
	want := [][]field.ErrorType{
		{field.ErrorTypeDuplicate},
		{field.ErrorTypeForbidden, field.ErrorTypeTypeInvalid},
		{field.ErrorTypeNotSupported},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error types (-want +got):\n%s", diff)
	}
}

// TestDecodeManyErrors: at most 20 field errors are kept per document.
func TestDecodeManyErrors(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("apiVersion: v1\nkind: Service\nmetadata: {name: m}\nspec:\n  ports:\n")
	for range 30 {
		sb.WriteString("  - {port: x}\n")
	}
	var b manifest.Bundle
	_ = b.Decode(strings.NewReader(sb.String()), "in.yaml")
	if len(b.Errors) != 1 || len(b.Errors[0].Errors) != 20 {
		t.Fatalf("errors = %v, want one document with 20 field errors", b.Errors)
	}
	if got := b.Errors[0].Errors[19].Field; got != "spec.ports[19].port" {
		t.Errorf("last field = %q", got)
	}
}

type failingReader struct{ data io.Reader }

func (r failingReader) Read(p []byte) (int, error) {
	n, err := r.data.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("disk on fire")
	}
	return n, err
}

// TestDecodeReadError: a stream that cannot be read is not a document
// error.
func TestDecodeReadError(t *testing.T) {
	var b manifest.Bundle
	err := b.Decode(failingReader{strings.NewReader(okService)}, "in.yaml")
	var de manifest.DecodeErrors
	if err == nil || errors.As(err, &de) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Decode = %v, want the read error", err)
	}
}

func TestStrict(t *testing.T) {
	var v struct {
		Name  string `json:"name"`
		Ports []struct {
			Port int32 `json:"port"`
		} `json:"ports"`
	}
	if err := manifest.Strict([]byte(`{"name":"a","ports":[{"port":1}]}`), &v); err != nil {
		t.Errorf("Strict = %v", err)
	}
	for in, want := range map[string]string{
		`{"Name":"a"}`: `Name: Forbidden: unknown field (field names are case-sensitive)`,
		`{"name":"a","ports":[{"port":1},{"port":"2"}]}`: `ports[1].port: Invalid value: "2": must be an integer, not a string`,
		`{"name":"a","name":"b"}`:                        `name: Duplicate value: "name": the key is given twice`,
		`{"name":`:                                       `not valid JSON: unexpected end of JSON input`,
	} {
		err := manifest.Strict([]byte(in), &v)
		if err == nil || err.Error() != want {
			t.Errorf("Strict(%s) = %v, want %s", in, err, want)
		}
	}
}

// TestRepositoryManifests: every manifest of the repository decodes
// without error, the wrong-on-purpose ones under invalid/ too unless they
// are decode fixtures (decode-*.yaml).
func TestRepositoryManifests(t *testing.T) {
	var files []string
	for _, glob := range []string{"../../examples/manifests/*.yaml", "../../examples/manifests/invalid/*.yaml", "../../l4/testdata/*/*.yaml", "../../examples/translate/testdata/*.yaml"} {
		more, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d manifests", len(files))
	}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "decode-") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), f); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// The v1.x Gateway API CRDs still serve v1beta1 Gateways and GatewayClasses,
// whose shape is v1's: they are read as v1.
func TestDecodeV1beta1Gateway(t *testing.T) {
	in := `apiVersion: gateway.networking.k8s.io/v1beta1
kind: GatewayClass
metadata: {name: avi}
spec: {controllerName: ako.vmware.com/avi-lb}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: Gateway
metadata: {name: gw, namespace: core}
spec:
  gatewayClassName: avi
  listeners: [{name: ngap, protocol: SCTP, port: 38412}]
`
	var b manifest.Bundle
	if err := b.Decode(strings.NewReader(in), "in.yaml"); err != nil {
		t.Fatal(err)
	}
	if len(b.GatewayClasses) != 1 || len(b.Gateways) != 1 || b.Gateways[0].Spec.Listeners[0].Port != 38412 {
		t.Fatalf("classes %d, gateways %d: want one each, read as v1", len(b.GatewayClasses), len(b.Gateways))
	}
}

package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// Bundle holds the objects decoded from one or more manifests, by kind, in
// the order they appeared.
type Bundle struct {
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Nodes          []corev1.Node
	Pods           []corev1.Pod
	Namespaces     []corev1.Namespace

	GatewayClasses  []gatewayv1.GatewayClass
	Gateways        []gatewayv1.Gateway
	TCPRoutes       []gatewayv1.TCPRoute
	UDPRoutes       []gatewayv1.UDPRoute
	ReferenceGrants []gatewayv1.ReferenceGrant

	LegacyGatewayClasses []svcapi.GatewayClass
	LegacyGateways       []svcapi.Gateway

	AviInfraSettings []l4.AviInfraSetting

	// Other lists documents of kinds the bundle does not decode.
	Other []Document

	// Where says where the Services, Gateways and legacy Gateways were
	// read, index for index: Where.Services[i] is the position of
	// Services[i]. Callers use it to name an object's origin and to take
	// objects in input order (Position.Seq).
	Where Positions

	// Errors lists the documents (or List items) that could not be
	// decoded, in input order, across every Decode call. The other
	// documents are decoded all the same.
	Errors []*DocumentError

	// seq counts the objects decoded so far (Position.Seq).
	seq int
	// idx indexes the inputs of translations (see ServiceInput).
	idx *inputIndex
}

// Positions holds the positions of the objects of some kinds of a Bundle,
// parallel to the Bundle's slices of those kinds.
type Positions struct {
	Services       []Position
	Gateways       []Position
	LegacyGateways []Position
}

// Position says where an object was read.
type Position struct {
	// Source is the file name, or "-" for standard input.
	Source string `json:"source"`
	// Document is the 1-based index of the YAML document in Source, as
	// the YAML reader splits it at "---" lines: a document of comments
	// only counts, nothing between two "---" lines does not.
	Document int `json:"document"`
	// Item is the 0-based index of the object in the items of a List
	// document, nil when the document is not a List.
	Item *int `json:"item,omitempty"`
	// Seq is the object's 0-based rank among the objects of its Bundle,
	// across every Decode call: the input order. It is 0 in a
	// DocumentError.
	Seq int `json:"-"`
}

// String names the position: "file.yaml document 2", or
// "file.yaml document 2, items[3]" for an item of a List; standard input
// reads "<stdin> document 2".
func (p Position) String() string {
	src := p.Source
	if src == "-" {
		src = "<stdin>"
	}
	if p.Item != nil {
		return fmt.Sprintf("%s document %d, items[%d]", src, p.Document, *p.Item)
	}
	return fmt.Sprintf("%s document %d", src, p.Document)
}

// Document identifies one manifest document (or one item of a List).
type Document struct {
	Position
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// JSON is the document converted to JSON.
	JSON []byte
}

// String names the document: "apps/v1 Deployment default/web (file.yaml
// document 2)".
func (d Document) String() string {
	n := d.Name
	if d.Namespace != "" {
		n = d.Namespace + "/" + d.Name
	}
	return fmt.Sprintf("%s %s %s (%s)", d.APIVersion, d.Kind, n, d.Position)
}

// DocumentError is a document, or an item of a List document, that cannot
// be decoded. Its Error names the position, the object when its kind and
// name could be read, and every problem found.
type DocumentError struct {
	Position
	// APIVersion, Kind, Namespace and Name identify the object as far as
	// they could be read ("" otherwise).
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// Errors are the field errors, with paths from the object's root (for
	// a List item, the item's root; for a YAML error such as a duplicate
	// key, the document's root). At most 20 are kept per document.
	Errors field.ErrorList
	// Reason says why the document cannot be read at all (a YAML syntax
	// error, a document that is not an object) when no field is to blame;
	// Errors is empty then.
	Reason string
}

// defaultNamespace names a namespaced object of a known kind as decoding
// it would: in "default" when it has no namespace.
func (e *DocumentError) defaultNamespace() {
	if ent, ok := lookupKind(e.APIVersion, e.Kind); ok && ent.namespaced && e.Namespace == "" && e.Name != "" {
		e.Namespace = "default"
	}
}

// Object names the object: "v1 Service default/web", "" when neither its
// kind nor its name is known.
func (e *DocumentError) Object() string {
	var parts []string
	if e.Kind != "" {
		if e.APIVersion != "" {
			parts = append(parts, e.APIVersion)
		}
		parts = append(parts, e.Kind)
	}
	if e.Name != "" {
		n := e.Name
		if e.Namespace != "" {
			n = e.Namespace + "/" + e.Name
		}
		parts = append(parts, n)
	}
	return strings.Join(parts, " ")
}

// Error returns "file.yaml document 2 (v1 Service default/web):
// spec.ports[1].port: Invalid value: ...; <next error>".
func (e *DocumentError) Error() string {
	var b strings.Builder
	b.WriteString(e.Position.String())
	if o := e.Object(); o != "" {
		b.WriteString(" (" + o + ")")
	}
	b.WriteString(": ")
	if len(e.Errors) == 0 {
		b.WriteString(e.Reason)
		return b.String()
	}
	for i, fe := range e.Errors {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// DecodeErrors is the error Decode returns when some documents cannot be
// decoded; the others are in the Bundle.
type DecodeErrors []*DocumentError

// Error lists every document error, one per line.
func (es DecodeErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// API versions of the Gateway API kinds read. v1alpha2 routes and v1beta1
// Gateways, GatewayClasses and ReferenceGrants (still served by the v1.x
// CRDs) have the v1 shape and are decoded into the v1 types.
const (
	gwv1   = "gateway.networking.k8s.io/v1"
	gwv1a2 = "gateway.networking.k8s.io/v1alpha2"
	gwv1b1 = "gateway.networking.k8s.io/v1beta1"
)

// Decode reads a multi-document YAML (or JSON) stream into b, document by
// document. Known kinds are decoded strictly, as the API server's strict
// field validation does: keys are case-sensitive, and unknown fields,
// duplicate keys and values of the wrong type are errors with their field
// paths. A List (apiVersion v1, kind List, or a kind <X>List as kubectl
// prints) is unpacked into its items. A known kind under an API version that
// is not read is an error, as is a document without apiVersion or kind;
// empty documents (nothing, or comments only) are skipped.
//
// A document that cannot be decoded is recorded in b.Errors and the others
// are decoded all the same; Decode then returns those of this call as
// DecodeErrors. Any other error (reading r failed, or a "---" line followed
// by more than a comment) ends the stream; the documents before it are kept.
// Namespaced objects without a namespace get "default", as kubectl does.
func (b *Bundle) Decode(r io.Reader, source string) error {
	yr := utilyaml.NewYAMLReader(bufio.NewReader(r))
	var errs DecodeErrors
	for i := 1; ; i++ {
		doc, err := yr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Errors = append(b.Errors, errs...)
			return fmt.Errorf("%s: reading document %d: %w", source, i, err)
		}
		errs = append(errs, b.addDocument(doc, Position{Source: source, Document: i})...)
	}
	if len(errs) == 0 {
		return nil
	}
	b.Errors = append(b.Errors, errs...)
	return errs
}

// addDocument decodes one YAML document and returns its errors (several
// for a List).
func (b *Bundle) addDocument(doc []byte, pos Position) DecodeErrors {
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil
	}
	js, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		errs, h := duplicateKeys(doc)
		e := &DocumentError{Position: pos, APIVersion: h.apiVersion, Kind: h.kind, Namespace: h.namespace, Name: h.name, Errors: errs}
		e.defaultNamespace()
		if len(e.Errors) == 0 {
			e.Reason = oneLine(err.Error())
			if strings.Contains(e.Reason, "line ") {
				e.Reason += " (lines count from the start of the document)"
			}
		}
		return DecodeErrors{e}
	}
	if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
		return nil // only comments
	}
	return b.addJSON(js, pos, nil)
}

// header is what is read of every document before its kind is known.
type header struct {
	apiVersion, kind, namespace, name string
	members                           map[string]json.RawMessage
}

// readHeader reads the apiVersion, kind and metadata of a JSON object,
// leniently (fields of the wrong type are left empty and reported by
// checkHeader). It returns a reason when js is not an object.
func readHeader(js []byte) (header, string) {
	var h header
	t := bytes.TrimSpace(js)
	if len(t) == 0 || t[0] != '{' || json.Unmarshal(t, &h.members) != nil {
		return h, "not a Kubernetes object: " + describeJSON(t) + ", not a mapping"
	}
	_ = json.Unmarshal(h.members["apiVersion"], &h.apiVersion)
	_ = json.Unmarshal(h.members["kind"], &h.kind)
	var meta map[string]json.RawMessage
	if json.Unmarshal(h.members["metadata"], &meta) == nil {
		_ = json.Unmarshal(meta["name"], &h.name)
		_ = json.Unmarshal(meta["namespace"], &h.namespace)
	}
	return h, ""
}

// check reports a missing or malformed apiVersion or kind.
func (h header) check() field.ErrorList {
	var errs field.ErrorList
	for _, f := range []struct {
		name  string
		value string
	}{{"apiVersion", h.apiVersion}, {"kind", h.kind}} {
		raw, ok := h.members[f.name]
		switch {
		case !ok || string(bytes.TrimSpace(raw)) == "null":
			errs = append(errs, field.Required(field.NewPath(f.name), "every Kubernetes object has apiVersion and kind (case-sensitive)"))
		case f.value == "" && string(bytes.TrimSpace(raw)) != `""`:
			errs = append(errs, field.TypeInvalid(field.NewPath(f.name), scalar(raw), "must be a string"))
		case f.value == "":
			errs = append(errs, field.Required(field.NewPath(f.name), "must not be empty"))
		}
	}
	if h.apiVersion != "" {
		if _, err := schema.ParseGroupVersion(h.apiVersion); err != nil {
			errs = append(errs, field.Invalid(field.NewPath("apiVersion"), h.apiVersion, "must be <version> or <group>/<version>"))
		}
	}
	return errs
}

// isList reports whether a document is a List to unpack: kind List, or a
// kind <X>List with an items member (what kubectl accepts).
func (h header) isList() bool {
	if h.kind == "List" {
		return true
	}
	_, items := h.members["items"]
	return len(h.kind) > len("List") && strings.HasSuffix(h.kind, "List") && items
}

// addJSON decodes one object: a document, or an item of the List list
// (whose kind and apiVersion default to those of an <X>List).
func (b *Bundle) addJSON(js []byte, pos Position, list *header) DecodeErrors {
	h, reason := readHeader(js)
	if reason != "" {
		return DecodeErrors{{Position: pos, Reason: reason}}
	}
	if list != nil && list.kind != "List" {
		// Items of a typed list (as the API server returns them) may omit
		// their kind and apiVersion.
		if _, ok := h.members["kind"]; !ok {
			h.kind = strings.TrimSuffix(list.kind, "List")
			h.members["kind"], _ = json.Marshal(h.kind)
		}
		if _, ok := h.members["apiVersion"]; !ok {
			h.apiVersion = list.apiVersion
			h.members["apiVersion"], _ = json.Marshal(h.apiVersion)
		}
		js, _ = json.Marshal(h.members)
	}
	docErr := func(errs field.ErrorList, reason string) DecodeErrors {
		e := &DocumentError{Position: pos, APIVersion: h.apiVersion, Kind: h.kind, Namespace: h.namespace, Name: h.name, Errors: errs, Reason: reason}
		e.defaultNamespace()
		return DecodeErrors{e}
	}
	if errs := h.check(); len(errs) > 0 {
		return docErr(errs, "")
	}
	if h.isList() {
		if list != nil {
			return docErr(field.ErrorList{field.Forbidden(field.NewPath("kind"), "a List item cannot itself be a List")}, "")
		}
		return b.addList(js, h, pos)
	}
	ent, ok := lookupKind(h.apiVersion, h.kind)
	if !ok {
		if versions := refusedVersion(h.apiVersion, h.kind); versions != nil {
			return docErr(field.ErrorList{field.NotSupported(field.NewPath("apiVersion"), h.apiVersion, versions)}, "")
		}
		pos.Seq = b.next()
		b.Other = append(b.Other, Document{Position: pos, APIVersion: h.apiVersion, Kind: h.kind, Namespace: h.namespace, Name: h.name, JSON: js})
		return nil
	}
	errs, err := ent.add(b, js, pos)
	switch {
	case err != nil:
		return docErr(nil, err.Error())
	case len(errs) > 0:
		return docErr(errs, "")
	}
	return nil
}

// addList unpacks a List document: every item is decoded (or reported) on
// its own, with its index.
func (b *Bundle) addList(js []byte, h header, pos Position) DecodeErrors {
	docErr := func(errs field.ErrorList, reason string) DecodeErrors {
		return DecodeErrors{{Position: pos, APIVersion: h.apiVersion, Kind: h.kind, Name: h.name, Errors: errs, Reason: reason}}
	}
	var want []string
	if h.kind == "List" {
		want = []string{"v1"}
	} else if versions := kindVersions(strings.TrimSuffix(h.kind, "List")); versions != nil {
		want = versions
	}
	if want != nil && !slices.Contains(want, h.apiVersion) {
		return docErr(field.ErrorList{field.NotSupported(field.NewPath("apiVersion"), h.apiVersion, want)}, "")
	}
	var l struct {
		metav1.TypeMeta `json:",inline"`
		Metadata        metav1.ListMeta   `json:"metadata"`
		Items           []json.RawMessage `json:"items"`
	}
	errs, err := decodeStrict(js, &l)
	switch {
	case err != nil:
		return docErr(nil, err.Error())
	case len(errs) > 0:
		return docErr(errs, "")
	}
	// The items' errors are reported one by one, each with its index.
	var out DecodeErrors
	for i, item := range l.Items {
		ip := pos
		ip.Item = &i
		out = append(out, b.addJSON(item, ip, &h)...)
	}
	return out
}

// next returns the rank of the next decoded object.
func (b *Bundle) next() int {
	b.seq++
	return b.seq - 1
}

// oneLine joins a multi-line message.
func oneLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

func describeJSON(t []byte) string {
	switch {
	case len(t) == 0:
		return "empty"
	case t[0] == '[':
		return "a list"
	case t[0] == '"':
		return "a string"
	case t[0] == 't' || t[0] == 'f':
		return "a boolean"
	}
	return "a number"
}

// kindEntry is one (apiVersion, kind) the bundle decodes.
type kindEntry struct {
	apiVersion string
	kind       string
	namespaced bool
	// typ is the Go type decoded into.
	typ reflect.Type
	// add decodes a document into b and records its position.
	add func(b *Bundle, js []byte, pos Position) (field.ErrorList, error)
}

// namespaced is any object with settable metadata.
type namespaced interface {
	GetNamespace() string
	SetNamespace(string)
}

// entry builds the kindEntry of type T, appended to the slice list returns
// (and its position to where's, when where is not nil).
func entry[T any, PT interface {
	*T
	namespaced
}](apiVersion, kind string, isNamespaced bool, list func(*Bundle) *[]T, where func(*Bundle) *[]Position) kindEntry {
	return kindEntry{apiVersion: apiVersion, kind: kind, namespaced: isNamespaced, typ: reflect.TypeFor[T](),
		add: func(b *Bundle, js []byte, pos Position) (field.ErrorList, error) {
			var obj T
			if errs, err := decodeStrict(js, &obj); err != nil || len(errs) > 0 {
				return errs, err
			}
			if p := PT(&obj); isNamespaced && p.GetNamespace() == "" {
				p.SetNamespace("default")
			}
			pos.Seq = b.next()
			l := list(b)
			*l = append(*l, obj)
			if where != nil {
				w := where(b)
				*w = append(*w, pos)
			}
			return nil, nil
		}}
}

// kindTable lists every (apiVersion, kind) the bundle decodes.
func kindTable() []kindEntry {
	infra := l4.AviInfraSettingGroup
	return []kindEntry{
		entry("v1", "Service", true, func(b *Bundle) *[]corev1.Service { return &b.Services }, func(b *Bundle) *[]Position { return &b.Where.Services }),
		entry("discovery.k8s.io/v1", "EndpointSlice", true, func(b *Bundle) *[]discoveryv1.EndpointSlice { return &b.EndpointSlices }, nil),
		entry("v1", "Node", false, func(b *Bundle) *[]corev1.Node { return &b.Nodes }, nil),
		entry("v1", "Pod", true, func(b *Bundle) *[]corev1.Pod { return &b.Pods }, nil),
		entry("v1", "Namespace", false, func(b *Bundle) *[]corev1.Namespace { return &b.Namespaces }, nil),
		entry(gwv1, "GatewayClass", false, func(b *Bundle) *[]gatewayv1.GatewayClass { return &b.GatewayClasses }, nil),
		entry(gwv1, "Gateway", true, func(b *Bundle) *[]gatewayv1.Gateway { return &b.Gateways }, func(b *Bundle) *[]Position { return &b.Where.Gateways }),
		entry(gwv1b1, "GatewayClass", false, func(b *Bundle) *[]gatewayv1.GatewayClass { return &b.GatewayClasses }, nil),
		entry(gwv1b1, "Gateway", true, func(b *Bundle) *[]gatewayv1.Gateway { return &b.Gateways }, func(b *Bundle) *[]Position { return &b.Where.Gateways }),
		entry(gwv1, "TCPRoute", true, func(b *Bundle) *[]gatewayv1.TCPRoute { return &b.TCPRoutes }, nil),
		entry(gwv1a2, "TCPRoute", true, func(b *Bundle) *[]gatewayv1.TCPRoute { return &b.TCPRoutes }, nil),
		entry(gwv1, "UDPRoute", true, func(b *Bundle) *[]gatewayv1.UDPRoute { return &b.UDPRoutes }, nil),
		entry(gwv1a2, "UDPRoute", true, func(b *Bundle) *[]gatewayv1.UDPRoute { return &b.UDPRoutes }, nil),
		entry(gwv1, "ReferenceGrant", true, func(b *Bundle) *[]gatewayv1.ReferenceGrant { return &b.ReferenceGrants }, nil),
		entry(gwv1b1, "ReferenceGrant", true, func(b *Bundle) *[]gatewayv1.ReferenceGrant { return &b.ReferenceGrants }, nil),
		entry(svcapi.APIVersion, "GatewayClass", false, func(b *Bundle) *[]svcapi.GatewayClass { return &b.LegacyGatewayClasses }, nil),
		entry(svcapi.APIVersion, "Gateway", true, func(b *Bundle) *[]svcapi.Gateway { return &b.LegacyGateways }, func(b *Bundle) *[]Position { return &b.Where.LegacyGateways }),
		entry(infra+"/v1alpha1", "AviInfraSetting", false, func(b *Bundle) *[]l4.AviInfraSetting { return &b.AviInfraSettings }, nil),
		entry(infra+"/v1beta1", "AviInfraSetting", false, func(b *Bundle) *[]l4.AviInfraSetting { return &b.AviInfraSettings }, nil),
	}
}

// lookupKind returns the entry of (apiVersion, kind).
func lookupKind(apiVersion, kind string) (kindEntry, bool) {
	for _, e := range kindTable() {
		if e.apiVersion == apiVersion && e.kind == kind {
			return e, true
		}
	}
	return kindEntry{}, false
}

// kindVersions lists the API versions read for kind, nil when kind is not
// read.
func kindVersions(kind string) []string {
	var out []string
	for _, e := range kindTable() {
		if e.kind == kind {
			out = append(out, e.apiVersion)
		}
	}
	return out
}

// refusedVersion returns the API versions read for kind when apiVersion is
// a wrong version of it: a version of the core group (which has no Gateway,
// and no Service but v1's), or another version of a group kind is read
// from. Kinds of other groups that share a name (Knative Services, Istio
// Gateways) are not ours to judge: nil.
func refusedVersion(apiVersion, kind string) []string {
	versions := kindVersions(kind)
	if versions == nil {
		return nil
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return versions
	}
	if gv.Group == "" {
		return versions
	}
	for _, v := range versions {
		if known, err := schema.ParseGroupVersion(v); err == nil && known.Group == gv.Group {
			return versions
		}
	}
	return nil
}

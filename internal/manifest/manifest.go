package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
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
}

// Document identifies one manifest document.
type Document struct {
	// Source is the file name (or "-") and the document's 1-based index.
	Source     string
	APIVersion string
	Kind       string
	Namespace  string
	Name       string
	// JSON is the document converted to JSON.
	JSON []byte
}

// String names the document: "apps/v1 Deployment default/web (file.yaml#2)".
func (d Document) String() string {
	n := d.Name
	if d.Namespace != "" {
		n = d.Namespace + "/" + d.Name
	}
	return fmt.Sprintf("%s %s %s (%s)", d.APIVersion, d.Kind, n, d.Source)
}

// API versions of the Gateway API kinds read. v1alpha2 routes and v1beta1
// ReferenceGrants have the v1 shape and are decoded into the v1 types.
const (
	gwv1   = "gateway.networking.k8s.io/v1"
	gwv1a2 = "gateway.networking.k8s.io/v1alpha2"
	gwv1b1 = "gateway.networking.k8s.io/v1beta1"
)

type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// Decode reads a multi-document YAML (or JSON) stream into b. Known kinds
// are decoded strictly: an unknown field is an error naming the document.
// Namespaced objects without a namespace get "default", as kubectl does.
func (b *Bundle) Decode(r io.Reader, source string) error {
	yr := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for i := 1; ; i++ {
		doc, err := yr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: reading document %d: %w", source, i, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return fmt.Errorf("%s#%d: %w", source, i, err)
		}
		if bytes.Equal(bytes.TrimSpace(js), []byte("null")) {
			continue // only comments
		}
		if err := b.add(js, fmt.Sprintf("%s#%d", source, i)); err != nil {
			return err
		}
	}
}

func (b *Bundle) add(js []byte, source string) error {
	var h header
	if err := json.Unmarshal(js, &h); err != nil {
		return fmt.Errorf("%s: not a Kubernetes object: %w", source, err)
	}
	d := Document{Source: source, APIVersion: h.APIVersion, Kind: h.Kind, Namespace: h.Metadata.Namespace, Name: h.Metadata.Name, JSON: js}
	if h.Kind == "" || h.APIVersion == "" {
		return fmt.Errorf("%s: apiVersion and kind are required", source)
	}
	var err error
	switch h.APIVersion + " " + h.Kind {
	case "v1 Service":
		b.Services, err = decodeInto(b.Services, d, true)
	case "discovery.k8s.io/v1 EndpointSlice":
		b.EndpointSlices, err = decodeInto(b.EndpointSlices, d, true)
	case "v1 Node":
		b.Nodes, err = decodeInto(b.Nodes, d, false)
	case "v1 Pod":
		b.Pods, err = decodeInto(b.Pods, d, true)
	case "v1 Namespace":
		b.Namespaces, err = decodeInto(b.Namespaces, d, false)
	case gwv1 + " GatewayClass":
		b.GatewayClasses, err = decodeInto(b.GatewayClasses, d, false)
	case gwv1 + " Gateway":
		b.Gateways, err = decodeInto(b.Gateways, d, true)
	case gwv1 + " TCPRoute", gwv1a2 + " TCPRoute":
		b.TCPRoutes, err = decodeInto(b.TCPRoutes, d, true)
	case gwv1 + " UDPRoute", gwv1a2 + " UDPRoute":
		b.UDPRoutes, err = decodeInto(b.UDPRoutes, d, true)
	case gwv1 + " ReferenceGrant", gwv1b1 + " ReferenceGrant":
		b.ReferenceGrants, err = decodeInto(b.ReferenceGrants, d, true)
	case svcapi.APIVersion + " GatewayClass":
		b.LegacyGatewayClasses, err = decodeInto(b.LegacyGatewayClasses, d, false)
	case svcapi.APIVersion + " Gateway":
		b.LegacyGateways, err = decodeInto(b.LegacyGateways, d, true)
	case l4.AviInfraSettingGroup + "/v1alpha1 AviInfraSetting", l4.AviInfraSettingGroup + "/v1beta1 AviInfraSetting":
		b.AviInfraSettings, err = decodeInto(b.AviInfraSettings, d, false)
	default:
		b.Other = append(b.Other, d)
	}
	return err
}

// namespaced is any object with settable metadata.
type namespaced interface {
	GetNamespace() string
	SetNamespace(string)
}

func decodeInto[T any, PT interface {
	*T
	namespaced
}](list []T, d Document, isNamespaced bool) ([]T, error) {
	var obj T
	if err := Strict(d.JSON, &obj); err != nil {
		return list, fmt.Errorf("%s: %w", d, err)
	}
	if p := PT(&obj); isNamespaced && p.GetNamespace() == "" {
		p.SetNamespace("default")
	}
	return append(list, obj), nil
}

// Strict unmarshals JSON into v, refusing unknown fields and trailing data.
func Strict(js []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the object")
	}
	return nil
}

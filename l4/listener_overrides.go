package l4

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/profiles"
)

// AnnotationListenerOverrides holds a Gateway's listener overrides: a YAML
// or JSON list of ListenerOverride, each naming its listener by name (v1
// Gateways) or by port (both API versions; v1alpha1 listeners have no
// name), e.g.
//
//	avil4.io/listener-overrides: |
//	  - listener: ngap
//	    sctpProxy: {numberOfStreams: 16, heartbeatInterval: 30}
//	  - port: SCTP/36412
//	    sctpProxy: {numberOfStreams: 32}
//
// An annotation on the Gateway was chosen over spec.infrastructure
// .parametersRef: the GatewayClass's parametersRef already names an
// AviInfraSetting (AKO), a Gateway's parametersRef would need a CRD of our
// own, and v1alpha1 Gateways have no infrastructure field; the annotation
// works on both API versions and reads like the Service's
// avil4.io/port-overrides.
const AnnotationListenerOverrides = "avil4.io/listener-overrides"

// ListenerOverride tunes one listener of a Gateway. Exactly one of
// Listener and Port names it.
type ListenerOverride struct {
	// Listener is the name of a v1 listener.
	Listener string `json:"listener,omitempty"`
	// Port is the listener's protocol and port, e.g. "SCTP/38412".
	Port Port `json:"port"`
	// SCTPProxy tunes the associations of an SCTP listener, as
	// PortOverride.SCTPProxy does a Service port's: the listener gets its
	// own NetworkProfile. Required; refused on a TCP or UDP listener.
	SCTPProxy *profiles.SCTPProxySettings `json:"sctpProxy,omitempty"`
}

// specListener is what a listener override is matched against: a
// listener's name ("" in v1alpha1) and its (protocol, port).
type specListener struct {
	name string
	port Port
}

// listenerOverrides reads a Gateway's avil4.io/listener-overrides
// annotation (absent: none) and returns the SCTP settings per listener
// port, with every problem at its path under
// metadata.annotations[avil4.io/listener-overrides] (the Gateway is
// refused as written) and a warning per entry naming no listener.
func listenerOverrides(ann map[string]string, listeners []specListener) (map[Port]*profiles.SCTPProxySettings, field.ErrorList, []string) {
	value, ok := ann[AnnotationListenerOverrides]
	if !ok {
		return nil, nil, nil
	}
	path := field.NewPath("metadata", "annotations").Key(AnnotationListenerOverrides)
	const want = "must be a YAML or JSON list of listener overrides"
	js, err := yaml.YAMLToJSONStrict([]byte(value))
	if err != nil {
		return nil, field.ErrorList{field.Invalid(path, value, want+": "+err.Error())}, nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, field.ErrorList{field.Invalid(path, value, want+", not "+jsonKind(js))}, nil
	}
	out := map[Port]*profiles.SCTPProxySettings{}
	var (
		errs     field.ErrorList
		warnings []string
	)
	for i, r := range raw {
		ip := path.Index(i)
		var entry struct {
			ListenerOverride
			Port json.RawMessage `json:"port"`
		}
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		err := dec.Decode(&entry)
		if err == nil {
			err = inexactKeys(r, reflect.TypeFor[ListenerOverride]())
		}
		if err != nil {
			errs = append(errs, field.Invalid(ip, string(r), "must be a listener override: "+err.Error()))
			continue
		}
		o := entry.ListenerOverride
		hasPort := len(entry.Port) > 0 && string(entry.Port) != "null"
		switch {
		case o.Listener == "" && !hasPort:
			errs = append(errs, field.Required(ip, "the listener to override: listener (its name) or port (e.g. SCTP/38412)"))
			continue
		case o.Listener != "" && hasPort:
			errs = append(errs, field.Forbidden(ip.Child("port"), "may not be used together with listener: name the listener one way"))
			continue
		case hasPort:
			port, perrs := parseOverridePort(entry.Port, ip.Child("port"))
			if len(perrs) > 0 {
				errs = append(errs, perrs...)
				continue
			}
			o.Port = port
		}
		if o.SCTPProxy == nil {
			errs = append(errs, field.Required(ip.Child("sctpProxy"), "the settings of the listener's SCTP associations"))
			continue
		}
		target, found := Port{}, false
		for _, l := range listeners {
			if (o.Listener != "" && l.name == o.Listener) || (o.Listener == "" && l.port == o.Port) {
				target, found = l.port, true
				break
			}
		}
		if !found {
			what := o.Port.String()
			if o.Listener != "" {
				what = fmt.Sprintf("listener %q", o.Listener)
			}
			warnings = append(warnings, fmt.Sprintf("%s: %s matches no listener of the Gateway and is ignored", ip, what))
			continue
		}
		verrs := validateSCTPProxy(o.SCTPProxy, target, "", ip)
		if _, dup := out[target]; dup && len(verrs) == 0 {
			verrs = field.ErrorList{field.Duplicate(ip, target.String())}
		}
		if len(verrs) > 0 {
			errs = append(errs, verrs...)
			continue
		}
		out[target] = o.SCTPProxy
	}
	return out, errs, warnings
}

// withListenerOverrideErrors adds the errors of a Gateway's listener
// overrides to its parameter errors; when they are the first, they give
// the InvalidParameters message.
func withListenerOverrideErrors(paramErrs field.ErrorList, paramMsg string, lerrs field.ErrorList) (field.ErrorList, string) {
	if len(lerrs) == 0 {
		return paramErrs, paramMsg
	}
	if len(paramErrs) == 0 {
		paramMsg = fmt.Sprintf("Listener overrides cannot be used: %s.", lerrs[0].Error())
	}
	return append(paramErrs, lerrs...), paramMsg
}

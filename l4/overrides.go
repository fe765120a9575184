package l4

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
	"github.com/avil4/avil4/profiles"
)

// AnnotationPortOverrides holds a Service's port overrides: a YAML or JSON
// list of PortOverride, e.g.
//
//	avil4.io/port-overrides: |
//	  - port: SCTP/38412
//	    lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN
//	    healthMonitor: {sendInterval: 5, receiveTimeout: 2, request: ping, response: pong}
//	    sctpProxy: {numberOfStreams: 16, heartbeatInterval: 30, idleTimeout: 0}
const AnnotationPortOverrides = "avil4.io/port-overrides"

// PortOverride changes the defaults of one (protocol, port) of a Service —
// AKO's L4Rule idea, per port and protocol-aware: a profile or monitor that
// cannot serve the port's protocol is an error, never silently replaced.
type PortOverride struct {
	// Port is the Service port (protocol and number), e.g. "SCTP/38412".
	Port Port `json:"port"`
	// NetworkProfile is the port's network profile
	// (override_network_profile_ref).
	NetworkProfile string `json:"networkProfile,omitempty"`
	// ApplicationProfile is the port's application profile
	// (override_application_profile_ref).
	ApplicationProfile string `json:"applicationProfile,omitempty"`
	// HealthMonitors replace the pool's System monitor with existing
	// monitors, by name.
	HealthMonitors []string `json:"healthMonitors,omitempty"`
	// HealthMonitor asks for a custom monitor of the port's protocol,
	// created and owned with the pool (its Protocol is the port's).
	HealthMonitor *healthmon.Spec `json:"healthMonitor,omitempty"`
	// LBAlgorithm is the pool's lb_algorithm (an aviobj.LBAlgorithm*
	// value).
	LBAlgorithm string `json:"lbAlgorithm,omitempty"`
	// LBAlgorithmHash is required with LB_ALGORITHM_CONSISTENT_HASH.
	LBAlgorithmHash string `json:"lbAlgorithmHash,omitempty"`
	// LBAlgorithmConsistentHashHdr is required with
	// LB_ALGORITHM_CONSISTENT_HASH_CUSTOM_HEADER.
	LBAlgorithmConsistentHashHdr string `json:"lbAlgorithmConsistentHashHdr,omitempty"`
	// PersistenceProfile is the pool's application persistence profile.
	PersistenceProfile string `json:"persistenceProfile,omitempty"`
	// MinServersUp is the pool's min_servers_up.
	MinServersUp *int32 `json:"minServersUp,omitempty"`
	// SCTPProxy tunes the associations of an SCTP port: the port gets its
	// own NetworkProfile of type PROTOCOL_TYPE_SCTP_PROXY, created and
	// owned with the Set and named by profiles.SCTPProxyName (one per port,
	// even for equal settings). It is referred to by the port's
	// override_network_profile_ref, or by the VirtualService's
	// network_profile_ref when the port is the VirtualService's only one.
	// It may not be used on a TCP or UDP port, nor with NetworkProfile.
	SCTPProxy *profiles.SCTPProxySettings `json:"sctpProxy,omitempty"`
}

// httpPersistence reports whether name is a System persistence profile
// that needs HTTP.
func httpPersistence(name string) bool {
	switch name {
	case "System-Persistence-Http-Cookie", "System-Persistence-App-Cookie", "System-Persistence-Custom-Http-Header":
		return true
	}
	return false
}

// Validate checks the override against the protocol of its port, with
// paths under p: the port (protocol TCP, UDP or SCTP, number 1-65535) and
// every field that protocol cannot serve. A nil override is an error on p.
func (o *PortOverride) Validate(p *field.Path) field.ErrorList {
	if o == nil {
		return field.ErrorList{field.Required(p, "no port override")}
	}
	var errs field.ErrorList
	proto := o.Port.Protocol
	if _, ok := profilesProtocol(proto); !ok {
		return field.ErrorList{field.NotSupported(p.Child("port"), o.Port.String(), []string{"TCP/<port>", "UDP/<port>", "SCTP/<port>"})}
	}
	for _, msg := range validation.IsValidPortNum(int(o.Port.Port)) {
		errs = append(errs, field.Invalid(p.Child("port"), o.Port.String(), "the port number "+msg))
	}
	if np := o.NetworkProfile; np != "" {
		if served, ok := profiles.SystemNetworkProtocol(np); ok && served != proto {
			errs = append(errs, field.Invalid(p.Child("networkProfile"), np,
				fmt.Sprintf("is %s network profile and cannot serve port %s", article(string(served)), o.Port)))
		}
	}
	if ap := o.ApplicationProfile; ap != "" {
		switch {
		case profiles.SystemHTTPApplication(ap):
			errs = append(errs, field.Invalid(p.Child("applicationProfile"), ap, "is an HTTP application profile and cannot serve an L4 port"))
		case ap == profiles.SSLApplication && proto != corev1.ProtocolTCP:
			errs = append(errs, field.Invalid(p.Child("applicationProfile"), ap, fmt.Sprintf("terminates TLS, which needs TCP, not %s", proto)))
		}
	}
	for i, hm := range o.HealthMonitors {
		if t, ok := healthmon.SystemType(hm); ok && !healthmon.TypeCompatible(t, proto) {
			errs = append(errs, field.Invalid(p.Child("healthMonitors").Index(i), hm,
				fmt.Sprintf("is a %s monitor and cannot check the servers of %s pool", t, article(string(proto)))))
		}
	}
	if s := o.HealthMonitor; s != nil {
		spec := *s
		spec.Protocol = proto
		errs = append(errs, spec.Validate(p.Child("healthMonitor"))...)
	}
	if a := o.LBAlgorithm; a != "" && !slices.Contains(aviobj.LBAlgorithms(), a) {
		errs = append(errs, field.NotSupported(p.Child("lbAlgorithm"), a, aviobj.LBAlgorithms()))
	}
	switch {
	case o.LBAlgorithm == aviobj.LBAlgorithmConsistentHash && o.LBAlgorithmHash == "":
		errs = append(errs, field.Required(p.Child("lbAlgorithmHash"), "needed with "+aviobj.LBAlgorithmConsistentHash))
	case o.LBAlgorithm != aviobj.LBAlgorithmConsistentHash && o.LBAlgorithmHash != "":
		errs = append(errs, field.Forbidden(p.Child("lbAlgorithmHash"), "may only be used with "+aviobj.LBAlgorithmConsistentHash))
	case o.LBAlgorithmHash != "" && !slices.Contains(aviobj.LBAlgorithmHashes(), o.LBAlgorithmHash):
		errs = append(errs, field.NotSupported(p.Child("lbAlgorithmHash"), o.LBAlgorithmHash, aviobj.LBAlgorithmHashes()))
	}
	switch {
	case o.LBAlgorithmHash == aviobj.LBAlgorithmHashCustomHeader && o.LBAlgorithmConsistentHashHdr == "":
		errs = append(errs, field.Required(p.Child("lbAlgorithmConsistentHashHdr"), "needed with "+aviobj.LBAlgorithmHashCustomHeader))
	case o.LBAlgorithmHash != aviobj.LBAlgorithmHashCustomHeader && o.LBAlgorithmConsistentHashHdr != "":
		errs = append(errs, field.Forbidden(p.Child("lbAlgorithmConsistentHashHdr"), "may only be used with "+aviobj.LBAlgorithmHashCustomHeader))
	}
	if httpPersistence(o.PersistenceProfile) {
		errs = append(errs, field.Invalid(p.Child("persistenceProfile"), o.PersistenceProfile, "needs HTTP and cannot serve an L4 port"))
	}
	if m := o.MinServersUp; m != nil && *m < 0 {
		errs = append(errs, field.Invalid(p.Child("minServersUp"), *m, "must be greater than or equal to 0"))
	}
	errs = append(errs, validateSCTPProxy(o.SCTPProxy, o.Port, o.NetworkProfile, p)...)
	return errs
}

// validateSCTPProxy checks the sctpProxy settings s of port, under
// p.sctpProxy: only on an SCTP port, not with an explicit networkProfile,
// and every setting in the schema's range.
func validateSCTPProxy(s *profiles.SCTPProxySettings, port Port, networkProfile string, p *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	sp := p.Child("sctpProxy")
	var errs field.ErrorList
	if port.Protocol != corev1.ProtocolSCTP {
		errs = append(errs, field.Forbidden(sp, fmt.Sprintf("may only be used on an SCTP port, not %s", port)))
	}
	if networkProfile != "" {
		errs = append(errs, field.Forbidden(sp, fmt.Sprintf("may not be used together with networkProfile %q: the settings make the port's network profile", networkProfile)))
	}
	return append(errs, s.Validate(sp)...)
}

func profilesProtocol(p corev1.Protocol) (corev1.Protocol, bool) {
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return p, true
	}
	return "", false
}

// ParsePortOverrides reads the value of an avil4.io/port-overrides
// annotation (a YAML or JSON list of PortOverride) and validates each entry
// (PortOverride.Validate). It returns the valid overrides, in order, and an
// error for every problem: on path for a value that is not a list, on
// path[i] for an entry that does not decode (an unknown field, a wrong
// type), on path[i].port for a missing or malformed port ("<PROTOCOL>/<n>",
// TCP, UDP or SCTP, n in 1-65535), and under path[i] for the rest. An empty
// value holds no overrides. Whether the ports exist on the Service is
// checked by the translation, not here.
func ParsePortOverrides(value string, path *field.Path) ([]PortOverride, field.ErrorList) {
	entries, errs := parsePortOverrides(value, path)
	var out []PortOverride
	for _, e := range entries {
		out = append(out, e.o)
	}
	return out, errs
}

// overrideEntry is a valid override and its path.
type overrideEntry struct {
	o    PortOverride
	path *field.Path
}

// parsePortOverrides is ParsePortOverrides, keeping each entry's path.
func parsePortOverrides(value string, path *field.Path) ([]overrideEntry, field.ErrorList) {
	const want = "must be a YAML or JSON list of port overrides"
	js, err := yaml.YAMLToJSONStrict([]byte(value))
	if err != nil {
		return nil, field.ErrorList{field.Invalid(path, value, want+": "+err.Error())}
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, field.ErrorList{field.Invalid(path, value, want+", not "+jsonKind(js))}
	}
	var out []overrideEntry
	var errs field.ErrorList
	for i, r := range raw {
		ip := path.Index(i)
		// The port is read apart, so that its errors name it.
		var entry struct {
			PortOverride
			Port json.RawMessage `json:"port"`
		}
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		err := dec.Decode(&entry)
		if err == nil {
			err = inexactKeys(r, reflect.TypeFor[PortOverride]())
		}
		if err != nil {
			errs = append(errs, field.Invalid(ip, string(r), "must be a port override: "+err.Error()))
			continue
		}
		port, perrs := parseOverridePort(entry.Port, ip.Child("port"))
		if len(perrs) > 0 {
			errs = append(errs, perrs...)
			continue
		}
		o := entry.PortOverride
		o.Port = port
		if verrs := o.Validate(ip); len(verrs) > 0 {
			errs = append(errs, verrs...)
			continue
		}
		out = append(out, overrideEntry{o, ip})
	}
	return out, errs
}

// inexactKeys returns an error naming the first key (in sorted order) of
// the JSON object raw, or of an object nested in it, that matches a field
// of t only when case is ignored: encoding/json takes "HealthMonitors" for
// "healthMonitors", the Kubernetes API machinery does not, and neither do
// annotations read here. Values that are not objects, and types that decode
// themselves, are not looked into.
func inexactKeys(raw json.RawMessage, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) ||
		reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		return nil
	}
	switch t.Kind() {
	case reflect.Slice:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return nil
		}
		for _, it := range items {
			if err := inexactKeys(it, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Struct:
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			f, ok := jsonField(t, k)
			if !ok {
				return fmt.Errorf("unknown field %q", k)
			}
			if err := inexactKeys(obj[k], f.Type); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonField finds the field of struct type t whose JSON name is exactly
// name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "" {
			tag = f.Name
		}
		if tag == name && f.IsExported() {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonKind names the kind of a JSON value that is not a list.
func jsonKind(js []byte) string {
	switch b := bytes.TrimSpace(js); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '{':
		return "a map"
	case b[0] == '"':
		return "a string"
	case b[0] == 't' || b[0] == 'f':
		return "a boolean"
	}
	return "a number"
}

// parseOverridePort reads the port of an override entry: a string
// "<PROTOCOL>/<number>".
func parseOverridePort(raw json.RawMessage, path *field.Path) (Port, field.ErrorList) {
	const form = "must be <PROTOCOL>/<number>, e.g. SCTP/38412"
	if len(raw) == 0 || string(raw) == "null" {
		return Port{}, field.ErrorList{field.Required(path, "the Service port to override, e.g. SCTP/38412")}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return Port{}, field.ErrorList{field.Invalid(path, string(raw), form)}
	}
	proto, num, ok := strings.Cut(s, "/")
	n, err := strconv.ParseInt(num, 10, 32)
	if !ok || err != nil || strconv.FormatInt(n, 10) != num {
		return Port{}, field.ErrorList{field.Invalid(path, s, form)}
	}
	var errs field.ErrorList
	if _, known := profilesProtocol(corev1.Protocol(proto)); !known {
		errs = append(errs, field.NotSupported(path, s, []string{"SCTP/<port>", "TCP/<port>", "UDP/<port>"}))
	}
	for _, msg := range validation.IsValidPortNum(int(n)) {
		errs = append(errs, field.Invalid(path, s, "the port number "+msg))
	}
	return Port{Protocol: corev1.Protocol(proto), Port: int32(n)}, errs
}

// serviceOverrides gathers a Service's overrides (the input list, then the
// annotation), validates them and indexes them by port. Overrides naming a
// port the Service does not have are reported as warnings, with their path.
func serviceOverrides(svc *corev1.Service, given []PortOverride, res *Result) (map[Port]*PortOverride, field.ErrorList) {
	var all []overrideEntry
	var errs field.ErrorList
	for i := range given {
		p := field.NewPath("overrides").Index(i)
		if verrs := given[i].Validate(p); len(verrs) > 0 {
			errs = append(errs, verrs...)
			continue
		}
		all = append(all, overrideEntry{given[i], p})
	}
	if v, ok := svc.Annotations[AnnotationPortOverrides]; ok {
		list, perrs := parsePortOverrides(v, field.NewPath("metadata", "annotations").Key(AnnotationPortOverrides))
		errs = append(errs, perrs...)
		all = append(all, list...)
	}
	if len(all) == 0 {
		return nil, errs
	}
	ports := make(map[Port]bool, len(svc.Spec.Ports))
	for _, sp := range svc.Spec.Ports {
		ports[Port{Protocol: protocolOf(sp.Protocol), Port: sp.Port}] = true
	}
	out := make(map[Port]*PortOverride, len(all))
	for _, e := range all {
		if _, dup := out[e.o.Port]; dup {
			errs = append(errs, field.Duplicate(e.path.Child("port"), e.o.Port.String()))
			continue
		}
		if !ports[e.o.Port] {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %s matches no port of the Service and is ignored", e.path.Child("port"), e.o.Port))
			continue
		}
		o := e.o
		out[o.Port] = &o
	}
	return out, errs
}

// applyToService sets the VirtualService service-port fields of o.
func (o *PortOverride) applyToService(s *aviobj.Service) {
	if o.NetworkProfile != "" {
		s.OverrideNetworkProfileRef = profiles.NetworkRef(o.NetworkProfile)
	}
	if o.ApplicationProfile != "" {
		s.OverrideApplicationProfileRef = profiles.ApplicationRef(o.ApplicationProfile)
	}
}

// applyToPool sets the pool fields of o and returns the custom health
// monitor the pool refers to, if o asks for one.
func (o *PortOverride) applyToPool(p *aviobj.Pool, tenantRef string) []aviobj.HealthMonitor {
	var monitors []aviobj.HealthMonitor
	if len(o.HealthMonitors) > 0 || o.HealthMonitor != nil {
		p.HealthMonitorRefs = nil
		for _, hm := range o.HealthMonitors {
			p.HealthMonitorRefs = append(p.HealthMonitorRefs, healthmon.Ref(hm))
		}
	}
	if s := o.HealthMonitor; s != nil {
		spec := *s
		spec.Protocol = o.Port.Protocol
		hm := healthmon.Build(healthmon.Name(p.Name), tenantRef, p.Markers, spec)
		p.HealthMonitorRefs = append(p.HealthMonitorRefs, healthmon.Ref(hm.Name))
		monitors = append(monitors, hm)
	}
	p.LBAlgorithm = o.LBAlgorithm
	p.LBAlgorithmHash = o.LBAlgorithmHash
	p.LBAlgorithmConsistentHashHdr = o.LBAlgorithmConsistentHashHdr
	if o.PersistenceProfile != "" {
		p.ApplicationPersistenceProfileRef = aviobj.RefByName(aviobj.KindPersistenceProfile, o.PersistenceProfile)
	}
	p.MinServersUp = o.MinServersUp
	return monitors
}

package l4

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
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

// Validate checks the override against the protocol of its port.
func (o *PortOverride) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	proto := o.Port.Protocol
	if _, ok := profilesProtocol(proto); !ok {
		return field.ErrorList{field.NotSupported(p.Child("port"), o.Port.String(), []string{"TCP/<port>", "UDP/<port>", "SCTP/<port>"})}
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
	return errs
}

func profilesProtocol(p corev1.Protocol) (corev1.Protocol, bool) {
	switch p {
	case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
		return p, true
	}
	return "", false
}

// serviceOverrides gathers a Service's overrides (the input list, then the
// annotation), validates them and indexes them by port. Overrides naming a
// port the Service does not have are reported as warnings.
func serviceOverrides(svc *corev1.Service, given []PortOverride, res *Result) (map[Port]*PortOverride, field.ErrorList) {
	type entry struct {
		o    PortOverride
		path *field.Path
	}
	var all []entry
	for i, o := range given {
		all = append(all, entry{o, field.NewPath("overrides").Index(i)})
	}
	ap := field.NewPath("metadata", "annotations").Key(AnnotationPortOverrides)
	if v, ok := svc.Annotations[AnnotationPortOverrides]; ok {
		var list []PortOverride
		if err := yaml.UnmarshalStrict([]byte(v), &list); err != nil {
			return nil, field.ErrorList{field.Invalid(ap, v, "must be a YAML or JSON list of port overrides: "+err.Error())}
		}
		for i, o := range list {
			all = append(all, entry{o, ap.Index(i)})
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	ports := map[Port]bool{}
	for _, sp := range svc.Spec.Ports {
		ports[Port{Protocol: protocolOf(sp.Protocol), Port: sp.Port}] = true
	}
	out := map[Port]*PortOverride{}
	var errs field.ErrorList
	for _, e := range all {
		errs = append(errs, e.o.Validate(e.path)...)
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

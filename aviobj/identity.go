package aviobj

import (
	"encoding/json"
	"reflect"
	"slices"
)

// Origin is the kind of Kubernetes object a Set is made for.
type Origin string

// Origins of a Set.
const (
	// OriginService is a dedicated LoadBalancer Service.
	OriginService Origin = "Service"
	// OriginSharedVIP is a shared-VIP group (annotation
	// ako.vmware.com/enable-shared-vip) of LoadBalancer Services.
	OriginSharedVIP Origin = "SharedVIP"
	// OriginGateway is a Gateway.
	OriginGateway Origin = "Gateway"
	// OriginGroup is a Gateway or a shared-VIP group: the markers of a
	// Pool, L4PolicySet or HealthMonitor (Namespace and GatewayName) are the
	// same for both, only a VirtualService's service_metadata tells them
	// apart.
	OriginGroup Origin = "Group"
)

// Identity names the Kubernetes object a Set is made for: a Service, a
// shared-VIP group or a Gateway, by namespace and name (the Service name,
// the shared-VIP key, the Gateway name). Two objects of one owner (cluster)
// that carry the same name but different identities are a name collision:
// two Kubernetes objects whose Avi names coincide, such as the Services
// a-b/c and a/b-c, which both name their VirtualService <cluster>--a-b-c.
//
// The zero Identity stands for "unknown": an object without identity
// markers, or a Key recorded before Keys carried identities.
type Identity struct {
	// Origin is the kind of Kubernetes object.
	Origin Origin `json:"origin,omitempty"`
	// Namespace of the Service, of the shared-VIP group's Services, or of
	// the Gateway.
	Namespace string `json:"namespace,omitempty"`
	// Name is the Service name, the shared-VIP key or the Gateway name.
	Name string `json:"name,omitempty"`
}

// IsZero reports whether id is the zero (unknown) Identity.
func (id Identity) IsZero() bool { return id == Identity{} }

// String renders id as "Service ns/name", "shared-VIP group ns/key",
// "Gateway ns/name", "Gateway or shared-VIP group ns/name", or "no
// Kubernetes object" for the zero Identity.
func (id Identity) String() string {
	var what string
	switch id.Origin {
	case OriginService:
		what = "Service"
	case OriginSharedVIP:
		what = "shared-VIP group"
	case OriginGateway:
		what = "Gateway"
	case OriginGroup:
		what = "Gateway or shared-VIP group"
	case "":
		if id.IsZero() {
			return "no Kubernetes object"
		}
		what = "unknown object"
	default:
		what = string(id.Origin)
	}
	return what + " " + id.Namespace + "/" + id.Name
}

// Matches reports whether id and o can name the same Kubernetes object:
// equal namespaces and names, and equal origins, where OriginGroup matches
// OriginGroup, OriginSharedVIP and OriginGateway. The zero Identity matches
// only itself.
func (id Identity) Matches(o Identity) bool {
	if id.Namespace != o.Namespace || id.Name != o.Name {
		return false
	}
	if id.Origin == o.Origin {
		return true
	}
	group := func(x Origin) bool { return x == OriginGroup || x == OriginSharedVIP || x == OriginGateway }
	return (id.Origin == OriginGroup && group(o.Origin)) || (o.Origin == OriginGroup && group(id.Origin))
}

// VirtualServiceName is the name of the VirtualService (and VsVip and
// L4PolicySet) of the Set id is made for, in cluster: see
// VirtualServiceName. It is "" for the zero Identity.
func (id Identity) VirtualServiceName(cluster string) string {
	if id.IsZero() {
		return ""
	}
	return VirtualServiceName(cluster, id.Namespace, id.Name)
}

// isIdentityKey reports whether markers with key say which Kubernetes
// object an object of kind is made for. Port and Protocol set one port's
// Pool (and HealthMonitor and NetworkProfile) apart from another's; on an L4PolicySet they
// list the ports and protocols it serves, which change with the spec.
func isIdentityKey(kind Kind, key string) bool {
	switch key {
	case MarkerNamespace, MarkerServiceName, MarkerGatewayName:
		return true
	case MarkerPort, MarkerProtocol:
		return kind == KindPool || kind == KindPoolGroup || kind == KindHealthMonitor || kind == KindNetworkProfile
	}
	return false
}

// IdentityMarkers returns the markers of o that say which Kubernetes object
// it is made for, in o's order:
//
//   - VirtualService and L4PolicySet: Namespace with ServiceName (a
//     dedicated Service) or GatewayName (a Gateway or a shared-VIP group,
//     whose key AKO writes as GatewayName);
//   - Pool, HealthMonitor and NetworkProfile: the same, plus Port and
//     Protocol, which tell the ports of one Service apart;
//   - PoolGroup: Namespace and GatewayName, with the Port and Protocol of
//     the listener it serves;
//   - VsVip: none; it carries only the clustername marker (as with AKO),
//     and belongs to the VirtualService that refers to it.
//
// The clustername marker (the owner), InfrasettingName, and an
// L4PolicySet's Port and Protocol markers (the protocols it serves, e.g.
// "SCTP,TCP") change with the spec and are not identity. IdentityMarkers of
// nil is nil.
func IdentityMarkers(o Object) []Marker {
	if isNil(o) || o.AviKind() == KindVsVip {
		return nil
	}
	_, _, _, markers := commonFields(o)
	var out []Marker
	for _, m := range markers {
		if isIdentityKey(o.AviKind(), m.Key) {
			out = append(out, Marker{Key: m.Key, Values: slices.Clone(m.Values)})
		}
	}
	return out
}

// SameIdentity reports whether a and b are made for the same Kubernetes
// object: they have the same identity markers (IdentityMarkers: each key
// with its list of values as many times in both, whatever the order of the
// markers), and, when both are
// VirtualServices, the same origin (IdentityOf), which tells a Gateway from
// a shared-VIP group of the same namespace and name. It is false when
// either is nil or they are of different kinds.
func SameIdentity(a, b Object) bool {
	if isNil(a) || isNil(b) || a.AviKind() != b.AviKind() {
		return false
	}
	if a == b {
		return true
	}
	ma, mb := identityMarkers(a), identityMarkers(b)
	if countIdentity(a.AviKind(), ma) != countIdentity(a.AviKind(), mb) {
		return false
	}
	for _, m := range ma {
		if isIdentityKey(a.AviKind(), m.Key) && countMarker(ma, m) != countMarker(mb, m) {
			return false
		}
	}
	if a.AviKind() == KindVirtualService {
		return IdentityOf(a) == IdentityOf(b)
	}
	return true
}

// identityMarkers returns all the markers of o (not a copy) when o is of a
// kind that has identity markers, else nil.
func identityMarkers(o Object) []Marker {
	if isNil(o) || o.AviKind() == KindVsVip {
		return nil
	}
	_, _, _, markers := commonFields(o)
	return markers
}

// countIdentity counts the identity markers among ms.
func countIdentity(kind Kind, ms []Marker) int {
	n := 0
	for _, m := range ms {
		if isIdentityKey(kind, m.Key) {
			n++
		}
	}
	return n
}

// countMarker counts the markers of ms with m's key and values (in order).
func countMarker(ms []Marker, m Marker) int {
	n := 0
	for _, x := range ms {
		if x.Key == m.Key && slices.Equal(x.Values, m.Values) {
			n++
		}
	}
	return n
}

// IdentityOf returns the Identity of the Set o belongs to, read from o's
// markers: Namespace and GatewayName give a Gateway or shared-VIP group
// (OriginGroup; a pool of one also names its backend Service in
// ServiceName), Namespace and ServiceName a dedicated Service. Only a
// VirtualService can tell a Gateway from a shared-VIP group: a Gateway's
// service_metadata names it ({"gateway":"ns/name"}), a shared-VIP group's
// does not. An object without identity markers (a VsVip, a hand-made
// object, nil) gives the zero Identity.
func IdentityOf(o Object) Identity {
	var ns, svc, gw string
	var found bool
	for _, m := range identityMarkers(o) {
		if !isIdentityKey(o.AviKind(), m.Key) {
			continue
		}
		v := ""
		if len(m.Values) > 0 {
			v = m.Values[0]
		}
		switch m.Key {
		case MarkerNamespace:
			ns, found = v, true
		case MarkerServiceName:
			svc, found = v, true
		case MarkerGatewayName:
			gw, found = v, true
		}
	}
	if !found {
		return Identity{}
	}
	id := Identity{Namespace: ns}
	switch {
	case gw != "":
		id.Origin, id.Name = OriginGroup, gw
		if vs, ok := o.(*VirtualService); ok {
			id.Origin = OriginSharedVIP
			if gatewayMetadata(vs.ServiceMetadata) {
				id.Origin = OriginGateway
			}
		}
	case svc != "":
		id.Origin, id.Name = OriginService, svc
	}
	return id
}

// gatewayMetadata reports whether a VirtualService's service_metadata names
// a Gateway.
func gatewayMetadata(s string) bool {
	if s == "" {
		return false
	}
	var md struct {
		Gateway string `json:"gateway"`
	}
	return json.Unmarshal([]byte(s), &md) == nil && md.Gateway != ""
}

// isNil reports whether o is nil or a nil pointer.
func isNil(o Object) bool {
	if o == nil {
		return true
	}
	v := reflect.ValueOf(o)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

package aviobj

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/avil4/avil4/internal/avischema"
)

// Problem is one reason the controller would refuse a Set, found by Check
// before anything is sent.
type Problem struct {
	// Kind and Name say which object of the Set is at fault; both are empty
	// for a problem of the Set as a whole (its tenant, cluster name, ...).
	Kind Kind   `json:"kind,omitempty"`
	Name string `json:"name,omitempty"`
	// Field is the JSON path of the offending value inside the object's
	// body ("services", "servers[2].port", "vip[0].ip_address.addr"), or
	// the Set field ("tenant", "clusterName") for a Set problem; "" for the
	// object as a whole.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, as a lower-case fragment.
	Message string `json:"message"`
}

// String renders the problem as
// `pool "c1--ns-svc-TCP-80": servers[0].port: must be between 1 and 65535, got -1`.
func (p Problem) String() string {
	var b strings.Builder
	if p.Kind != "" || p.Name != "" {
		fmt.Fprintf(&b, "%s %q: ", p.Kind, p.Name)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// MaxTenantNameLength is the longest tenant name Check accepts.
const MaxTenantNameLength = 255

// IsValidClusterName reports whether s can be a cluster name: a non-empty
// run of ASCII letters, digits, '-' and '_' (AKO's ^[a-zA-Z0-9-_]*$, made
// non-empty), at most MaxNameLength long.
func IsValidClusterName(s string) bool {
	if s == "" || len(s) > MaxNameLength {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// TenantNameProblem returns why name cannot be the tenant of a Set, or ""
// when it can. The empty name stands for the default tenant ("admin") and is
// accepted. Refused: "*" (the controller reads X-Avi-Tenant: * as "every
// tenant"), names longer than MaxTenantNameLength, names that are not UTF-8,
// have leading or trailing spaces or contain control characters, and names
// holding one of / ? # & , * — they would change the meaning of the
// /api/tenant/?name=<name> refs and of the X-Avi-Tenant header.
func TenantNameProblem(name string) string {
	switch {
	case name == "":
		return ""
	case name == "*":
		return `"*" means every tenant to the controller; name one tenant`
	case len(name) > MaxTenantNameLength:
		return fmt.Sprintf("must be at most %d characters, got %d", MaxTenantNameLength, len(name))
	case !utf8.ValidString(name):
		return "must be valid UTF-8"
	case strings.TrimSpace(name) != name:
		return "must not begin or end with white space"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "must not contain control characters"
	case strings.ContainsAny(name, "/?#&,*"):
		return "must not contain any of / ? # & , *"
	}
	return ""
}

// NameProblem returns why name cannot be the name of an Avi object, or ""
// when it can: names are required, at most MaxNameLength bytes, UTF-8, and
// hold no control characters.
func NameProblem(name string) string {
	switch {
	case name == "":
		return "required field is missing"
	case len(name) > MaxNameLength:
		return fmt.Sprintf("must be at most %d characters, got %d", MaxNameLength, len(name))
	case !utf8.ValidString(name):
		return "must be valid UTF-8"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "must not contain control characters"
	}
	return ""
}

// Check returns every reason the controller would refuse s, or nil when
// there is none. It is the pre-flight check that apply runs before its first
// write, and that the l4 translators run on every Set they return, so that a
// Set either applies fully or is refused before anything is written:
//
//   - the Set: a VirtualService (it names the Set), a valid cluster name and
//     tenant (see IsValidClusterName and TenantNameProblem);
//   - every object: a valid, unique name (NameProblem), the Set's tenant in
//     tenant_ref, the Set's owner in created_by and in the clustername
//     marker;
//   - every object's body against the controller's published schema (types,
//     enums, ranges such as 1-65535 for server ports, item counts such as
//     at most 2048 services per VirtualService, required fields);
//   - every by-name ref to a VsVip, Pool, PoolGroup or L4PolicySet names an
//     object of the Set, so that no write fails on a missing target
//     half-way through (HealthMonitor refs may name monitors that exist on
//     the controller);
//   - pool servers and static VIPs hold IP addresses of their type, no two
//     servers of a pool share an address and port, and no pool is twice a
//     member of one pool group;
//   - L4 rules have distinct indexes and names.
//
// Check is pure and safe to call on a nil Set (one Problem).
func Check(s *Set) []Problem {
	if s == nil {
		return []Problem{{Message: "no Set"}}
	}
	var out []Problem
	setProblem := func(field, msg string) { out = append(out, Problem{Field: field, Message: msg}) }
	if !IsValidClusterName(s.ClusterName) {
		setProblem("clusterName", fmt.Sprintf("must be a non-empty run of letters, digits, '-' and '_' of at most %d characters, got %q", MaxNameLength, s.ClusterName))
	}
	if msg := TenantNameProblem(s.Tenant); msg != "" {
		setProblem("tenant", msg)
	}
	if s.VirtualService == nil {
		setProblem("virtualservice", "required: a Set is named by its VirtualService")
	}
	createdBy := s.CreatedBy
	if createdBy == "" && s.ClusterName != "" {
		createdBy = CreatedBy(s.ClusterName)
	}
	tenant := s.Tenant
	if tenant == "" {
		tenant = "admin"
	}

	names := map[Kind]map[string]bool{}
	objs := s.Objects()
	for _, o := range objs {
		kind, name := o.AviKind(), o.AviName()
		if names[kind] == nil {
			names[kind] = map[string]bool{}
		}
		if names[kind][name] {
			out = append(out, Problem{Kind: kind, Name: name, Field: "name", Message: "another " + string(kind) + " of the Set has this name"})
		}
		names[kind][name] = true
	}
	for _, o := range objs {
		out = append(out, checkObject(o, tenant, createdBy, s.ClusterName, names)...)
	}
	return out
}

// checkObject checks one object of a Set.
func checkObject(o Object, tenant, createdBy, cluster string, names map[Kind]map[string]bool) []Problem {
	kind, name := o.AviKind(), o.AviName()
	var out []Problem
	add := func(field, msg string) {
		out = append(out, Problem{Kind: kind, Name: name, Field: field, Message: msg})
	}
	if msg := NameProblem(name); msg != "" {
		add("name", msg)
	}
	body, err := json.Marshal(o)
	if err != nil {
		add("", "cannot be encoded: "+err.Error())
		return out
	}
	for _, p := range avischema.Embedded().Validate(string(kind), body) {
		add(p.Path, p.Message)
	}

	tenantRef, objCreatedBy, hasCreatedBy, markers := commonFields(o)
	if tenantRef != "" {
		r, err := ParseRef(tenantRef)
		switch {
		case err != nil || r.Kind != "tenant":
			add("tenant_ref", fmt.Sprintf("must be a tenant ref, got %q", tenantRef))
		case r.Name != "" && r.Name != tenant && TenantNameProblem(tenant) == "":
			add("tenant_ref", fmt.Sprintf("names tenant %q, but the Set is in tenant %q", r.Name, tenant))
		}
	}
	if hasCreatedBy && objCreatedBy != createdBy {
		add("created_by", fmt.Sprintf("must be the Set's owner %q, got %q", createdBy, objCreatedBy))
	}
	if v, ok := MarkerValue(markers, MarkerClusterName); !ok || v != cluster {
		add("markers", fmt.Sprintf("must carry the clustername marker %q", cluster))
	}

	for _, ref := range setRefs(o) {
		r, err := ParseRef(ref.value)
		if err != nil {
			add(ref.field, err.Error())
			continue
		}
		if r.Name == "" {
			continue // by uuid: the object exists already
		}
		if r.Kind != ref.kind {
			add(ref.field, fmt.Sprintf("must refer to a %s, got %q", ref.kind, ref.value))
			continue
		}
		if !names[r.Kind][r.Name] {
			add(ref.field, fmt.Sprintf("refers to %s %q, which is not in the Set", r.Kind, r.Name))
		}
	}

	switch t := o.(type) {
	case *Pool:
		type addrPort struct {
			addr string
			port int32
		}
		seen := make(map[addrPort]int, len(t.Servers))
		for i, srv := range t.Servers {
			if msg := ipProblem(srv.IP); msg != "" {
				add(fmt.Sprintf("servers[%d].ip", i), msg)
			}
			key := addrPort{srv.IP.Addr, srv.Port}
			if j, dup := seen[key]; dup {
				add(fmt.Sprintf("servers[%d]", i), fmt.Sprintf("the same address and port as servers[%d]", j))
			} else {
				seen[key] = i
			}
		}
	case *PoolGroup:
		seen := make(map[string]int, len(t.Members))
		for i, m := range t.Members {
			if j, dup := seen[m.PoolRef]; dup && m.PoolRef != "" {
				add(fmt.Sprintf("members[%d].pool_ref", i), fmt.Sprintf("the same pool as members[%d]", j))
			} else {
				seen[m.PoolRef] = i
			}
		}
	case *VsVip:
		for i, v := range t.Vip {
			if v.IPAddress != nil {
				if msg := ipProblem(*v.IPAddress); msg != "" {
					add(fmt.Sprintf("vip[%d].ip_address", i), msg)
				}
			}
			if v.IP6Address != nil {
				if msg := ipProblem(*v.IP6Address); msg != "" {
					add(fmt.Sprintf("vip[%d].ip6_address", i), msg)
				}
			}
		}
	}

	if ps, ok := o.(*L4PolicySet); ok && ps.L4ConnectionPolicy != nil {
		indexes := map[int32]bool{}
		ruleNames := map[string]bool{}
		for i, rule := range ps.L4ConnectionPolicy.Rules {
			f := fmt.Sprintf("l4_connection_policy.rules[%d]", i)
			if indexes[rule.Index] {
				add(f+".index", fmt.Sprintf("index %d is used by an earlier rule", rule.Index))
			}
			indexes[rule.Index] = true
			if rule.Name != "" && ruleNames[rule.Name] {
				add(f+".name", fmt.Sprintf("name %q is used by an earlier rule", rule.Name))
			}
			ruleNames[rule.Name] = true
		}
	}
	return out
}

// ipProblem returns why a is not an address of its type, or "". An address
// with no addr (an auto-allocated VIP before allocation) is fine.
func ipProblem(a IPAddr) string {
	if a.Addr == "" || a.Type == IPTypeDNS {
		return ""
	}
	ip, err := netip.ParseAddr(a.Addr)
	switch {
	case err != nil || ip.Zone() != "":
		return fmt.Sprintf("addr %q is not an IP address", a.Addr)
	case a.Type == IPTypeV4 && !ip.Is4():
		return fmt.Sprintf("addr %q is not an IPv4 address (type V4)", a.Addr)
	case a.Type == IPTypeV6 && (!ip.Is6() || ip.Is4In6()):
		return fmt.Sprintf("addr %q is not an IPv6 address (type V6)", a.Addr)
	}
	return ""
}

// commonFields returns the fields every kind of a Set has in some form.
func commonFields(o Object) (tenantRef, createdBy string, hasCreatedBy bool, markers []Marker) {
	switch t := o.(type) {
	case *VirtualService:
		return t.TenantRef, t.CreatedBy, true, t.Markers
	case *VsVip:
		return t.TenantRef, "", false, t.Markers
	case *Pool:
		return t.TenantRef, t.CreatedBy, true, t.Markers
	case *L4PolicySet:
		return t.TenantRef, t.CreatedBy, true, t.Markers
	case *PoolGroup:
		return t.TenantRef, t.CreatedBy, true, t.Markers
	case *HealthMonitor:
		return t.TenantRef, "", false, t.Markers
	case *NetworkProfile:
		return t.TenantRef, "", false, t.Markers
	}
	return "", "", false, nil
}

// setRef is a ref of an object to a kind Sets hold.
type setRef struct {
	field string
	kind  Kind
	value string
}

// setRefs lists the refs of o that must point into the Set.
func setRefs(o Object) []setRef {
	var out []setRef
	add := func(field string, kind Kind, value string) {
		if value != "" {
			out = append(out, setRef{field: field, kind: kind, value: value})
		}
	}
	switch t := o.(type) {
	case *VirtualService:
		add("vsvip_ref", KindVsVip, t.VsVipRef)
		add("pool_ref", KindPool, t.PoolRef)
		for i, p := range t.L4Policies {
			add(fmt.Sprintf("l4_policies[%d].l4_policy_set_ref", i), KindL4PolicySet, p.L4PolicySetRef)
		}
	case *PoolGroup:
		for i, m := range t.Members {
			add(fmt.Sprintf("members[%d].pool_ref", i), KindPool, m.PoolRef)
		}
	case *L4PolicySet:
		if t.L4ConnectionPolicy != nil {
			for i, rule := range t.L4ConnectionPolicy.Rules {
				if rule.Action != nil && rule.Action.SelectPool != nil {
					add(fmt.Sprintf("l4_connection_policy.rules[%d].action.select_pool.pool_ref", i), KindPool, rule.Action.SelectPool.PoolRef)
					add(fmt.Sprintf("l4_connection_policy.rules[%d].action.select_pool.pool_group_ref", i), KindPoolGroup, rule.Action.SelectPool.PoolGroupRef)
				}
			}
		}
	}
	return out
}

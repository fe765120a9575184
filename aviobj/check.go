package aviobj

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
// Check is pure and safe to call on a nil Set (one Problem). It uses a
// Checker built once per process from aviobj's types and the embedded
// schema (see NewChecker): that table is derived only from constants of the
// program (type declarations and the embedded facts.json), is never changed
// once built, and so is the same whoever builds it first.
func Check(s *Set) []Problem { return defaultChecker().Check(s) }

// defaultChecker is the Checker of Check: an immutable table derived from
// constants (see Check), built on first use.
var defaultChecker = sync.OnceValue(NewChecker)

// Checker runs Check. Its schema walk goes over the typed objects by
// reflection, with the facts of every struct type of a Set (JSON names,
// omitempty, the schema property of each field) computed once by
// NewChecker; it finds exactly what validating json.Marshal of each object
// against the schema finds, without encoding anything (problems are
// rendered only when found).
//
// A Checker from NewChecker is immutable and safe for concurrent use; a
// caller that wants no process-wide table can hold its own. The zero (or
// nil) Checker is valid too: it checks each body through its JSON
// encoding, the slower reference implementation.
type Checker struct {
	sv *avischema.StructValidator
	// accepts: schemaAccepts (check_gen.go, generated from the same
	// embedded facts as sv) answers first for the values it finds no
	// problem in.
	accepts bool
}

// NewChecker returns a Checker for the kinds of a Set, its per-type facts
// computed up front.
func NewChecker() *Checker {
	roots := []avischema.StructRoot{
		{ObjectType: string(KindVirtualService), Type: reflect.TypeFor[VirtualService]()},
		{ObjectType: string(KindVsVip), Type: reflect.TypeFor[VsVip]()},
		{ObjectType: string(KindPool), Type: reflect.TypeFor[Pool]()},
		{ObjectType: string(KindPoolGroup), Type: reflect.TypeFor[PoolGroup]()},
		{ObjectType: string(KindL4PolicySet), Type: reflect.TypeFor[L4PolicySet]()},
		{ObjectType: string(KindHealthMonitor), Type: reflect.TypeFor[HealthMonitor]()},
		{ObjectType: string(KindNetworkProfile), Type: reflect.TypeFor[NetworkProfile]()},
	}
	return &Checker{sv: avischema.Embedded().StructValidator(roots...), accepts: true}
}

// kindName identifies an object of a Set.
type kindName struct {
	kind Kind
	name string
}

// Check is the package-level Check, with c's per-type facts.
func (c *Checker) Check(s *Set) []Problem {
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

	objs := s.Objects()
	names := make(map[kindName]bool, len(objs))
	for _, o := range objs {
		k := kindName{o.AviKind(), o.AviName()}
		if names[k] {
			out = append(out, Problem{Kind: k.kind, Name: k.name, Field: "name", Message: "another " + string(k.kind) + " of the Set has this name"})
		}
		names[k] = true
	}
	for _, o := range objs {
		c.checkObject(&out, o, tenant, createdBy, s.ClusterName, names)
	}
	return out
}

// schemaProblems checks the body of o against the controller's schema.
func (c *Checker) schemaProblems(o Object, add func(field, msg string)) {
	if c != nil && c.accepts {
		if valid, handled := schemaAccepts(o); valid && handled {
			return
		}
	}
	if c != nil && c.sv != nil {
		if probs, ok := c.sv.Validate(string(o.AviKind()), o); ok {
			for _, p := range probs {
				add(p.Path, p.Message)
			}
			return
		}
	}
	body, err := json.Marshal(o)
	if err != nil {
		add("", "cannot be encoded: "+err.Error())
		return
	}
	for _, p := range avischema.Embedded().Validate(string(o.AviKind()), body) {
		add(p.Path, p.Message)
	}
}

// indexed renders a field path with an index: pre + "[i]" + post.
func indexed(pre string, i int, post string) string {
	return pre + "[" + strconv.Itoa(i) + "]" + post
}

// checkObject appends the problems of one object of a Set to out.
func (c *Checker) checkObject(out *[]Problem, o Object, tenant, createdBy, cluster string, names map[kindName]bool) {
	kind, name := o.AviKind(), o.AviName()
	add := func(field, msg string) {
		*out = append(*out, Problem{Kind: kind, Name: name, Field: field, Message: msg})
	}
	if msg := NameProblem(name); msg != "" {
		add("name", msg)
	}
	c.schemaProblems(o, add)

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

	// ref checks a ref that must point into the Set; its field path is
	// pre, or indexed(pre, i, post) when i >= 0, rendered only for a
	// problem.
	ref := func(pre string, i int, post string, want Kind, value string) {
		if value == "" {
			return
		}
		field := func() string {
			if i < 0 {
				return pre
			}
			return indexed(pre, i, post)
		}
		r, err := ParseRef(value)
		if err != nil {
			add(field(), err.Error())
			return
		}
		if r.Name == "" {
			return // by uuid: the object exists already
		}
		if r.Kind != want {
			add(field(), fmt.Sprintf("must refer to a %s, got %q", want, value))
			return
		}
		if !names[kindName{r.Kind, r.Name}] {
			add(field(), fmt.Sprintf("refers to %s %q, which is not in the Set", r.Kind, r.Name))
		}
	}
	switch t := o.(type) {
	case *VirtualService:
		ref("vsvip_ref", -1, "", KindVsVip, t.VsVipRef)
		ref("pool_ref", -1, "", KindPool, t.PoolRef)
		for i, p := range t.L4Policies {
			ref("l4_policies", i, ".l4_policy_set_ref", KindL4PolicySet, p.L4PolicySetRef)
		}
	case *PoolGroup:
		for i, m := range t.Members {
			ref("members", i, ".pool_ref", KindPool, m.PoolRef)
		}
	case *L4PolicySet:
		if t.L4ConnectionPolicy != nil {
			for i, rule := range t.L4ConnectionPolicy.Rules {
				if rule.Action != nil && rule.Action.SelectPool != nil {
					ref("l4_connection_policy.rules", i, ".action.select_pool.pool_ref", KindPool, rule.Action.SelectPool.PoolRef)
					ref("l4_connection_policy.rules", i, ".action.select_pool.pool_group_ref", KindPoolGroup, rule.Action.SelectPool.PoolGroupRef)
				}
			}
		}
	}

	switch t := o.(type) {
	case *Pool:
		// Servers as l4 sorts them need one parse each and no search.
		if !serversOrdered(t.Servers) {
			serverProblems(t.Servers, add)
		}
	case *PoolGroup:
		for i, m := range t.Members {
			if m.PoolRef == "" {
				continue
			}
			for j := range i {
				if t.Members[j].PoolRef == m.PoolRef {
					add(indexed("members", i, ".pool_ref"), fmt.Sprintf("the same pool as members[%d]", j))
					break
				}
			}
		}
	case *VsVip:
		for i, v := range t.Vip {
			if v.IPAddress != nil {
				if msg := ipProblem(*v.IPAddress); msg != "" {
					add(indexed("vip", i, ".ip_address"), msg)
				}
			}
			if v.IP6Address != nil {
				if msg := ipProblem(*v.IP6Address); msg != "" {
					add(indexed("vip", i, ".ip6_address"), msg)
				}
			}
		}
	case *L4PolicySet:
		if t.L4ConnectionPolicy != nil {
			rules := t.L4ConnectionPolicy.Rules
			for i, rule := range rules {
				for j := range i {
					if rules[j].Index == rule.Index {
						add(indexed("l4_connection_policy.rules", i, ".index"), fmt.Sprintf("index %d is used by an earlier rule", rule.Index))
						break
					}
				}
				if rule.Name == "" {
					continue
				}
				for j := range i {
					if rules[j].Name == rule.Name {
						add(indexed("l4_connection_policy.rules", i, ".name"), fmt.Sprintf("name %q is used by an earlier rule", rule.Name))
						break
					}
				}
			}
		}
	}
}

// ipProblem returns why a is not an address of its type, or "". An address
// with no addr (an auto-allocated VIP before allocation) is fine.
// serverProblems reports each server with an invalid IP address and each
// with the same address and port as an earlier one, in server order.
func serverProblems(servers []Server, add func(field, msg string)) {
	type addrPort struct {
		addr string
		port int32
	}
	// Small pools are searched; large ones indexed. Either way j is the
	// first server with the same address and port.
	var seen map[addrPort]int
	if len(servers) > 16 {
		seen = make(map[addrPort]int, len(servers))
	}
	for i, srv := range servers {
		if msg := ipProblem(srv.IP); msg != "" {
			add(indexed("servers", i, ".ip"), msg)
		}
		key := addrPort{srv.IP.Addr, srv.Port}
		j, dup := -1, false
		if seen != nil {
			if j, dup = seen[key]; !dup {
				seen[key] = i
			}
		} else {
			for k := range i {
				if servers[k].IP.Addr == key.addr && servers[k].Port == key.port {
					j, dup = k, true
					break
				}
			}
		}
		if dup {
			add(indexed("servers", i, ""), fmt.Sprintf("the same address and port as servers[%d]", j))
		}
	}
}

// serversOrdered reports whether every server has a valid IP address (see
// ipProblem) and the servers are in strictly increasing order of address
// (netip.Addr.Compare) and port, as l4 sorts them: then no two have the
// same address and port (distinct parsed addresses are distinct strings),
// and serverProblems would report none.
func serversOrdered(servers []Server) bool {
	var (
		prev     netip.Addr
		prevPort int32
	)
	for i, srv := range servers {
		if srv.IP.Type != IPTypeV4 && srv.IP.Type != IPTypeV6 {
			return false
		}
		ip, err := netip.ParseAddr(srv.IP.Addr)
		if err != nil || ip.Zone() != "" || (srv.IP.Type == IPTypeV4) != ip.Is4() || ip.Is4In6() {
			return false
		}
		if i > 0 {
			if c := prev.Compare(ip); c > 0 || c == 0 && prevPort >= srv.Port {
				return false
			}
		}
		prev, prevPort = ip, srv.Port
	}
	return true
}

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

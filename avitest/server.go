package avitest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
)

// Defaults of the fake.
const (
	// DefaultUsername is the user that can log in unless WithUsers is given.
	DefaultUsername = "admin"
	// DefaultVIPRange is the IPv4 range VIPs are allocated from.
	DefaultVIPRange = "10.50.0.0/16"
	// DefaultVIP6Range is the IPv6 range VIPs are allocated from.
	DefaultVIP6Range = "fd00:50::/112"
	// DefaultPageSize is the page size of a list without page_size.
	DefaultPageSize = 25
	// MaxPageSize is the largest page_size accepted.
	MaxPageSize = 200
	// DefaultEdition is the licence edition (SystemConfiguration
	// default_license_tier) unless WithEdition is given.
	DefaultEdition = "ENTERPRISE"
	// DefaultAPIVersion is the API version of a request without
	// X-Avi-Version. The recorded 20.1.1 controller answered such requests
	// (login and API calls alike) with AVI_API_VERSION 16_4_2, so the fake
	// does the same: it validates and renders them as 16.4.2.
	DefaultAPIVersion = "16.4.2"
	// SCTPVersion is the first controller release with SCTP (the schema's
	// "Field introduced in 22.1.3" of every SCTP field): the fake built
	// WithVersion an earlier one has no SCTP System objects.
	SCTPVersion = "22.1.3"

	adminTenant = "admin"
	maxBodySize = 4 << 20
)

// Option configures a Server.
type Option func(*config)

type config struct {
	users     map[string]string
	version   string
	edition   string
	vipRanges []string
	networks  [][2]string
	segroups  []string
	tenants   []string
	faults    []FaultFunc
	latency   time.Duration
	seed      uint64
	pageSize  int
	log       logr.Logger
	tlsCert   *tls.Certificate
}

// WithUsers replaces the users that can log in (name to password).
func WithUsers(users map[string]string) Option {
	return func(c *config) {
		c.users = map[string]string{}
		for k, v := range users {
			c.users[k] = v
		}
	}
}

// WithVersion makes the fake behave like a controller of release v
// ("21.1.4"): it reports v at login, in /api/initial-data and
// /api/cluster/status, refuses a newer X-Avi-Version, refuses fields
// introduced after the requested version (400 "Incoming request (v21_1_4)
// has field (sctp_monitor) introduced in later versions(v22_1_3)."), leaves
// them out of replies, and has no SCTP System objects before SCTPVersion.
// The default is the version of the embedded schema; "" keeps it.
func WithVersion(v string) Option {
	return func(c *config) {
		if v != "" {
			c.version = v
		}
	}
}

// WithEdition sets the licence edition, the default_license_tier of
// /api/systemconfiguration: ENTERPRISE (DefaultEdition),
// ENTERPRISE_WITH_CLOUD_SERVICES, ESSENTIALS or BASIC. A field or value the
// schema does not allow in that edition ("Allowed in Enterprise edition
// ...", e.g. an SCTP health monitor or network profile outside Enterprise)
// is refused with 400, and so is a ref to a System object whose type the
// edition does not allow. "" keeps the default.
func WithEdition(e string) Option {
	return func(c *config) {
		if e != "" {
			c.edition = e
		}
	}
}

// WithVIPRange sets the range VIPs are auto-allocated from when a VsVip names
// no network, per address family (call it once per family), e.g.
// "10.50.0.0/24" or "fd00:50::/120".
func WithVIPRange(cidr string) Option {
	return func(c *config) { c.vipRanges = append(c.vipRanges, cidr) }
}

// WithNetwork adds a network object (in admin) whose subnet serves the VsVips
// naming it in vip[].ipam_network_subnet.network_ref.
func WithNetwork(name, cidr string) Option {
	return func(c *config) { c.networks = append(c.networks, [2]string{name, cidr}) }
}

// WithSEGroups adds service engine groups besides Default-Group (in admin),
// for translations whose options or AviInfraSettings name other groups.
func WithSEGroups(names ...string) Option {
	return func(c *config) { c.segroups = append(c.segroups, names...) }
}

// WithTenants adds tenants besides admin.
func WithTenants(names ...string) Option {
	return func(c *config) { c.tenants = append(c.tenants, names...) }
}

// WithFault adds a fault rule, consulted for every request (logins
// included) before the rules added after it; the first non-nil fault wins.
func WithFault(f FaultFunc) Option {
	return func(c *config) {
		if f != nil {
			c.faults = append(c.faults, f)
		}
	}
}

// WithRandomFaults adds RandomFaults(seed, rate, faults...).
func WithRandomFaults(seed uint64, rate float64, faults ...Fault) Option {
	return WithFault(RandomFaults(seed, rate, faults...))
}

// WithLatency delays every /api/ request by d.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }

// WithSeed seeds the generator of uuids, session ids and CSRF tokens
// (default 1), making them reproducible.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// WithPageSize sets the page size of lists that send no page_size.
func WithPageSize(n int) Option { return func(c *config) { c.pageSize = n } }

// WithLogger logs every request at V(1).
func WithLogger(l logr.Logger) Option { return func(c *config) { c.log = l } }

// Server is an in-memory Avi Controller listening on a local HTTPS port.
// Its methods are safe for concurrent use.
type Server struct {
	ts        *httptest.Server
	base      string
	done      chan struct{}
	closeOnce sync.Once
	version   string
	upSince   time.Time
	users     map[string]string
	username  string
	pageSize  int
	latency   time.Duration
	log       logr.Logger

	faultMu sync.RWMutex
	fault   FaultFunc

	mu            sync.Mutex
	edition       string
	sysconfig     map[string]any
	sessions      map[string]*session
	objs          map[string]*object
	names         map[nameKey]string
	byKind        map[string]*kindIndex
	mutations     uint64 // changes to the store, for the list cache
	lists         map[listKey]*listHits
	referrers     map[string]map[string]struct{}
	seq           uint64
	clock         int64
	rnd           *rand.Rand
	vipRange4     *ipPool
	vipRange6     *ipPool
	networkRanges map[string]*ipPool
	vipsUsed      map[netip.Addr]string
	vipsByObj     map[string][]netip.Addr
	calls         Calls
	faults        int
	logins        int
	apiSeq        int
}

// logWriter sends the http.Server's error log to a logr.Logger at V(1).
type logWriter struct{ log logr.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.V(1).Info(strings.TrimSpace(string(p)))
	return len(p), nil
}

// session is a logged-in session.
type session struct {
	user, csrf string
}

// New starts a fake controller, for tests. It panics if an option is
// invalid (a bad CIDR), as httptest.NewServer does when it cannot listen;
// Start returns those as errors instead. Nil options are ignored, and no
// option at all gives the defaults. Close it when done.
func New(opts ...Option) *Server {
	c := config{seed: 1, pageSize: DefaultPageSize, version: avischema.Embedded().Version(), edition: DefaultEdition}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	s := &Server{
		done:          make(chan struct{}),
		version:       c.version,
		edition:       avischema.CanonicalEdition(c.edition),
		upSince:       time.Now(),
		pageSize:      c.pageSize,
		latency:       c.latency,
		log:           c.log,
		fault:         chain(c.faults),
		sessions:      map[string]*session{},
		objs:          map[string]*object{},
		names:         map[nameKey]string{},
		byKind:        map[string]*kindIndex{},
		lists:         map[listKey]*listHits{},
		referrers:     map[string]map[string]struct{}{},
		rnd:           rand.New(rand.NewPCG(c.seed, c.seed+1)),
		networkRanges: map[string]*ipPool{},
		vipsUsed:      map[netip.Addr]string{},
		vipsByObj:     map[string][]netip.Addr{},
		calls:         Calls{},
		clock:         time.Now().UnixMicro(),
	}
	if s.log.GetSink() == nil {
		s.log = logr.Discard()
	}
	if s.pageSize <= 0 || s.pageSize > MaxPageSize {
		s.pageSize = DefaultPageSize
	}
	s.users = c.users
	if s.users == nil {
		s.users = map[string]string{DefaultUsername: s.randomString(24)}
	}
	names := make([]string, 0, len(s.users))
	for n := range s.users {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) > 0 {
		s.username = names[0]
	}
	ranges := append([]string{DefaultVIPRange, DefaultVIP6Range}, c.vipRanges...)
	for _, r := range ranges {
		p, err := newIPPool(r)
		if err != nil {
			panic("avitest: " + err.Error())
		}
		if p.prefix.Addr().Is4() {
			s.vipRange4 = p
		} else {
			s.vipRange6 = p
		}
	}
	tlsCfg := tlsConfig(c.tlsCert) // nil: httptest's own certificate
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.handle))
	// Handshake failures (a client that does not trust the fake) and
	// dropped connections are expected: log them at V(1), not on stderr.
	s.ts.Config.ErrorLog = log.New(logWriter{s.log}, "", 0)
	s.ts.TLS = tlsCfg
	s.ts.StartTLS()
	s.base = s.ts.URL
	s.seedSystem(c.tenants, c.segroups)
	for _, n := range c.networks {
		p, err := newIPPool(n[1])
		if err != nil {
			s.Close()
			panic("avitest: network " + n[0] + ": " + err.Error())
		}
		o := s.system("network", n[0], map[string]any{"configured_subnets": []any{map[string]any{
			"prefix": map[string]any{
				"ip_addr": map[string]any{"addr": p.prefix.Addr().String(), "type": ipType(p.prefix.Addr())},
				"mask":    json.Number(strconv.Itoa(p.prefix.Bits())),
			},
		}}})
		s.networkRanges[o.uuid] = p
	}
	return s
}

func ipType(a netip.Addr) string {
	if a.Is4() {
		return "V4"
	}
	return "V6"
}

// seedSystem creates the objects every controller has.
func (s *Server) seedSystem(tenants, segroups []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.system("tenant", adminTenant, map[string]any{"local": true})
	for _, t := range tenants {
		if t != adminTenant && s.tenantUUID(t) == "" {
			s.system("tenant", t, map[string]any{"local": true})
		}
	}
	s.system("cloud", "Default-Cloud", map[string]any{"vtype": "CLOUD_NONE"})
	s.system("vrfcontext", "global", map[string]any{"system_default": true})
	s.system("vrfcontext", "management", map[string]any{"system_default": true})
	s.system("serviceenginegroup", "Default-Group", nil)
	for _, g := range segroups {
		s.system("serviceenginegroup", g, nil)
	}
	s.system("analyticsprofile", "System-Analytics-Profile", nil)
	sctp := !avischema.NewerVersion(SCTPVersion, s.version)
	for name, typ := range map[string]string{
		"System-TCP-Proxy":      "PROTOCOL_TYPE_TCP_PROXY",
		"System-TCP-Fast-Path":  "PROTOCOL_TYPE_TCP_FAST_PATH",
		"System-UDP-Fast-Path":  "PROTOCOL_TYPE_UDP_FAST_PATH",
		"System-UDP-Proxy":      "PROTOCOL_TYPE_UDP_PROXY",
		"System-SCTP-Proxy":     "PROTOCOL_TYPE_SCTP_PROXY",
		"System-SCTP-Fast-Path": "PROTOCOL_TYPE_SCTP_FAST_PATH",
	} {
		if !sctp && strings.Contains(typ, "SCTP") {
			continue
		}
		s.system("networkprofile", name, map[string]any{"profile": map[string]any{"type": typ}})
	}
	for name, typ := range map[string]string{
		"System-L4-Application":  "APPLICATION_PROFILE_TYPE_L4",
		"System-SSL-Application": "APPLICATION_PROFILE_TYPE_SSL",
		"System-HTTP":            "APPLICATION_PROFILE_TYPE_HTTP",
		"System-Secure-HTTP":     "APPLICATION_PROFILE_TYPE_HTTP",
	} {
		s.system("applicationprofile", name, map[string]any{"type": typ})
	}
	for name, typ := range map[string]string{
		"System-TCP":  "HEALTH_MONITOR_TCP",
		"System-UDP":  "HEALTH_MONITOR_UDP",
		"System-SCTP": "HEALTH_MONITOR_SCTP",
		"System-Ping": "HEALTH_MONITOR_PING",
		"System-HTTP": "HEALTH_MONITOR_HTTP",
	} {
		if !sctp && strings.Contains(typ, "SCTP") {
			continue
		}
		s.system("healthmonitor", name, map[string]any{"type": typ, "is_federated": false})
	}
	s.system("applicationpersistenceprofile", "System-Persistence-Client-IP", map[string]any{"persistence_type": "PERSISTENCE_TYPE_CLIENT_IP_ADDRESS"})
	s.sysconfig = map[string]any{
		"uuid":                 "default",
		"default_license_tier": s.edition,
		"portal_configuration": map[string]any{"allow_basic_authentication": false, "use_uuid_from_input": false},
		"docker_mode":          false,
	}
	s.clock++
	s.sysconfig["_last_modified"] = strconv.FormatInt(s.clock, 10)
}

// system stores a system object in admin (no validation). s.mu is held or
// the server is not yet shared.
func (s *Server) system(kind, name string, extra map[string]any) *object {
	body := map[string]any{"name": name}
	for k, v := range extra {
		body[k] = v
	}
	uuid := ""
	switch {
	case kind == "tenant" && name == adminTenant:
		uuid = adminTenant
	case kind == "tenant": // tenants have no tenant_ref (recorded)
	default:
		body["tenant_ref"] = "/api/tenant/" + adminTenant
	}
	if uuid != "" {
		body["uuid"] = uuid
	}
	return s.create(kind, adminTenant, &prepared{body: body, name: name}, true)
}

// tenantUUID returns the uuid of the tenant named name, or "".
func (s *Server) tenantUUID(name string) string {
	return s.names[nameKey{"tenant", adminTenant, name}]
}

func (s *Server) newUUID(kind string) string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(s.rnd.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%s-%x-%x-%x-%x-%x", kind, b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *Server) randomString(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[s.rnd.IntN(len(letters))]
	}
	return string(b)
}

// errNotStarted is the error of the methods of a Server not made by New.
var errNotStarted = errors.New("avitest: the Server was not made by New")

// started reports whether s was made by New (the methods of a nil or zero
// Server return zero results or errNotStarted).
func (s *Server) started() bool { return s != nil && s.ts != nil }

// URL is the base URL of the fake, "https://127.0.0.1:<port>" ("" for a
// Server not made by New).
func (s *Server) URL() string {
	if !s.started() {
		return ""
	}
	return s.base
}

// Username is a user that can log in (the first by name).
func (s *Server) Username() string {
	if !s.started() {
		return ""
	}
	return s.username
}

// Password is the password of Username.
func (s *Server) Password() string {
	if !s.started() {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users[s.username]
}

// Version is the controller version the fake reports.
func (s *Server) Version() string {
	if !s.started() {
		return ""
	}
	return s.version
}

// Edition is the licence edition the fake reports and enforces (see
// WithEdition; a PUT of /api/systemconfiguration may change it).
func (s *Server) Edition() string {
	if !s.started() {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.edition
}

// CertPool holds the fake's serving certificate, to verify it: httptest's
// self-signed one, or the leaf given to WithTLSCertificate (nil for a Server
// not made by New).
func (s *Server) CertPool() *x509.CertPool {
	if !s.started() {
		return nil
	}
	return s.certPool()
}

// CertificatePEM returns the server's serving certificate (see CertPool) in
// PEM form, for clients configured with a CA file (nil for a Server not made
// by New).
func (s *Server) CertificatePEM() []byte {
	if !s.started() {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

func (s *Server) certPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(s.ts.Certificate())
	return pool
}

// HTTPClient returns an *http.Client that trusts the fake (nil for a
// Server not made by New).
func (s *Server) HTTPClient() *http.Client {
	if !s.started() {
		return nil
	}
	return s.ts.Client()
}

// Close shuts the fake down, ending hanging requests. Closing again, or
// closing a Server not made by New, does nothing.
func (s *Server) Close() {
	if !s.started() {
		return
	}
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// SetFault replaces every fault rule by f (nil: no faults).
func (s *Server) SetFault(f FaultFunc) {
	if !s.started() {
		return
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.fault = f
}

// Calls returns a copy of the request counts.
func (s *Server) Calls() Calls {
	if !s.started() {
		return Calls{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(Calls, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the request counts (and the login and fault counts).
func (s *Server) ResetCalls() {
	if !s.started() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = Calls{}
	s.logins = 0
	s.faults = 0
}

// Faults is the number of requests a fault rule acted on.
func (s *Server) Faults() int {
	if !s.started() {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Logins is the number of successful logins.
func (s *Server) Logins() int {
	if !s.started() {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// ExpireSessions ends every session, as an idle timeout or a controller
// restart would: the next request of each client gets 401.
func (s *Server) ExpireSessions() {
	if !s.started() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions = map[string]*session{}
}

// Seed creates an object directly, as another client would (validation,
// refs, defaults and VIP allocation included) but without counting a call or
// consulting faults. body is anything that marshals to the object's JSON.
// It returns the uuid.
func (s *Server) Seed(tenant string, k aviobj.Kind, body any) (string, error) {
	kind := string(k)
	if !s.started() {
		return "", errNotStarted
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("seeding %s: %w", kind, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	if s.tenantUUID(tenant) == "" {
		return "", fmt.Errorf("seeding %s: tenant %q does not exist", kind, tenant)
	}
	if !writable(kind) {
		return "", fmt.Errorf("seeding %s: not a writable object type", kind)
	}
	p, aerr := s.prepare(kind, tenant, raw, nil)
	if aerr != nil {
		return "", fmt.Errorf("seeding %s: %w", kind, aerr)
	}
	return s.create(kind, tenant, p, false).uuid, nil
}

// Object returns the object of kind named name in tenant as a GET with
// include_name shows it, and whether it exists. The map is a copy.
func (s *Server) Object(tenant string, k aviobj.Kind, name string) (map[string]any, bool) {
	kind := string(k)
	if !s.started() {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	uuid, ok := s.names[nameKey{kind, tenant, name}]
	if !ok {
		return nil, false
	}
	return s.render(s.objs[uuid], true), true
}

// Decode reads the object of kind named name in tenant into out (e.g. an
// *aviobj.Pool), as a client would; it reports whether it exists.
func (s *Server) Decode(tenant string, kind aviobj.Kind, name string, out any) (bool, error) {
	obj, ok := s.Object(tenant, kind, name)
	if !ok {
		return false, nil
	}
	if out == nil {
		return true, fmt.Errorf("decoding %s %q: nil destination", kind, name)
	}
	raw, err := json.Marshal(obj)
	if err == nil {
		err = json.Unmarshal(raw, out)
	}
	if err != nil {
		return true, fmt.Errorf("decoding %s %q: %w", kind, name, err)
	}
	return true, nil
}

// Names lists, sorted, the names of the non-system objects of kind in
// tenant ("*": every tenant, as "tenant/name").
func (s *Server) Names(tenant string, k aviobj.Kind) []string {
	kind := string(k)
	if !s.started() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	var out []string
	for _, o := range s.index(kind).objs {
		if o.removed || o.system {
			continue
		}
		switch {
		case tenant == "*":
			out = append(out, o.tenant+"/"+o.name)
		case o.tenant == tenant:
			out = append(out, o.name)
		}
	}
	sort.Strings(out)
	return out
}

// Count is the number of non-system objects of kind in every tenant.
func (s *Server) Count(kind aviobj.Kind) int { return len(s.Names("*", kind)) }

// Edit changes an object out of band, as a user of the controller's UI
// would: fn gets the object as GET shows it and edits it in place, and the
// result replaces the object (validated like a PUT, without counting a call).
func (s *Server) Edit(tenant string, k aviobj.Kind, name string, fn func(obj map[string]any)) error {
	kind := string(k)
	if !s.started() {
		return errNotStarted
	}
	if fn == nil {
		return fmt.Errorf("editing %s %q: no edit function", kind, name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	uuid, ok := s.names[nameKey{kind, tenant, name}]
	if !ok {
		return fmt.Errorf("editing %s %q: not found", kind, name)
	}
	o := s.objs[uuid]
	body := s.render(o, true)
	delete(body, "url")
	delete(body, "_last_modified")
	fn(body)
	p, aerr := s.prepare(kind, tenant, marshal(body), o)
	if aerr != nil {
		return fmt.Errorf("editing %s %q: %w", kind, name, aerr)
	}
	s.replace(o, p)
	return nil
}

// Remove deletes an object out of band (refused, like DELETE, while other
// objects refer to it).
func (s *Server) Remove(tenant string, k aviobj.Kind, name string) error {
	kind := string(k)
	if !s.started() {
		return errNotStarted
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	uuid, ok := s.names[nameKey{kind, tenant, name}]
	if !ok {
		return fmt.Errorf("removing %s %q: not found", kind, name)
	}
	if aerr := s.remove(s.objs[uuid]); aerr != nil {
		return fmt.Errorf("removing %s %q: %w", kind, name, aerr)
	}
	return nil
}

// VIPs returns the addresses allocated to the VsVip named name in tenant.
func (s *Server) VIPs(tenant, name string) []string {
	if !s.started() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if tenant == "" {
		tenant = adminTenant
	}
	var out []string
	for _, a := range s.vipsByObj[s.names[nameKey{"vsvip", tenant, name}]] {
		out = append(out, a.String())
	}
	return out
}

// handle is the entry point of every request: counting, faults, then serve.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	// A real controller serves //api/pool as /api/pool: Avi's Go SDK sends
	// that when given a path with a leading slash.
	if strings.Contains(r.URL.Path, "//") {
		r.URL.Path = collapseSlashes(r.URL.Path)
		r.URL.RawPath = ""
	}
	req := Request{Method: r.Method, Path: r.URL.Path, Tenant: r.Header.Get("X-Avi-Tenant")}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/api/"); ok {
		kind, uuid, _ := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
		req.Kind, req.UUID = aviobj.Kind(kind), uuid
		req.List = r.Method == http.MethodGet && uuid == ""
		s.mu.Lock()
		s.apiSeq++
		req.Seq = s.apiSeq
		s.calls[Call{Method: r.Method, Kind: aviobj.Kind(kind), List: req.List}]++
		s.mu.Unlock()
	}
	s.faultMu.RLock()
	fn := s.fault
	s.faultMu.RUnlock()
	var f Fault
	if fn != nil {
		if p := fn(req); p != nil {
			f = *p
		}
	}
	if f != (Fault{}) {
		s.mu.Lock()
		s.faults++
		s.mu.Unlock()
	}
	s.log.V(1).Info("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "fault", f)
	delay := f.Latency
	if req.Kind != "" {
		delay += s.latency
	}
	if delay > 0 && !s.wait(r, delay) {
		return
	}
	if f.ExpireSession {
		s.mu.Lock()
		if sid := sessionID(r); sid != "" {
			delete(s.sessions, sid)
		}
		s.mu.Unlock()
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
			dropConnection(w)
		}
	case f.Stale && (r.Method == http.MethodPut || r.Method == http.MethodPatch) && req.UUID != "":
		writeError(w, s.staleUpdate(string(req.Kind), req.UUID))
	case f.Status != 0:
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		writeError(w, &apiError{status: f.Status, msg: msg})
	case f.DropAfterHandling:
		s.serve(httptest.NewRecorder(), r)
		dropConnection(w)
	default:
		s.serve(w, r)
	}
}

// collapseSlashes replaces every run of slashes of p by one.
func collapseSlashes(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

// wait sleeps d unless the client or the server goes away first.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// dropConnection closes the client's connection without a reply.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func sessionID(r *http.Request) string {
	for _, name := range []string{"sessionid", "avi-sessionid"} {
		if c, err := r.Cookie(name); err == nil && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.plain {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(e.status)
		_, _ = io.WriteString(w, e.msg)
		return
	}
	writeJSON(w, e.status, map[string]string{"error": e.msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeRaw(w, status, marshal(v))
}

// writeRaw writes an encoded JSON reply.
func writeRaw(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "application/json")
	if len(data) > 0 && status != http.StatusNoContent {
		// Sized, not chunked: a client reads the body into one buffer.
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// serve answers a request that no fault stopped.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/login" && r.Method == http.MethodPost:
		s.serveLogin(w, r)
	case r.URL.Path == "/logout" && r.Method == http.MethodPost:
		s.mu.Lock()
		delete(s.sessions, sessionID(r))
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{})
	case strings.HasPrefix(r.URL.Path, "/api/"):
		if err := s.serveAPI(w, r); err != nil {
			writeError(w, err)
		}
	default:
		writeError(w, errorf(http.StatusNotFound, "Not found: %s", r.URL.Path))
	}
}

// serveLogin handles POST /login with a JSON or form body.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	var creds struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBodySize)).Decode(&creds); err != nil {
			writeError(w, errorf(http.StatusBadRequest, "JSON parse error - %v", err))
			return
		}
	} else {
		_ = r.ParseForm()
		creds.Username, creds.Password = r.PostForm.Get("username"), r.PostForm.Get("password")
	}
	s.mu.Lock()
	pw, ok := s.users[creds.Username]
	s.mu.Unlock()
	if !ok || pw != creds.Password || creds.Password == "" {
		writeError(w, errorf(http.StatusUnauthorized, "Invalid credentials"))
		return
	}
	s.mu.Lock()
	sid, csrf := s.randomString(32), s.randomString(32)
	s.sessions[sid] = &session{user: creds.Username, csrf: csrf}
	s.logins++
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: csrf, Path: "/", MaxAge: 31449600, Secure: true})
	for _, name := range []string{"avi-sessionid", "sessionid"} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: sid, Path: "/", MaxAge: 86400, Secure: true, HttpOnly: true})
	}
	v := r.Header.Get("X-Avi-Version")
	if v == "" {
		v = wireVersion(DefaultAPIVersion)
	}
	w.Header()["AVI_API_VERSION"] = []string{v}
	s.mu.Lock()
	sysconfig := deepCopy(s.sysconfig)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"user_initialized": true,
		"version":          s.versionInfo(),
		"system_config":    sysconfig,
		"user": map[string]any{
			"name": creds.Username, "username": creds.Username, "is_superuser": true, "local": true,
			"default_tenant_ref": s.base + "/api/tenant/" + adminTenant,
		},
		"tenants":             []any{map[string]any{"url": s.base + "/api/tenant/admin", "uuid": adminTenant, "name": adminTenant, "local": true}},
		"controller":          map[string]any{"api_idle_timeout": 15},
		"session_cookie_name": "avi-sessionid",
	})
}

// serveAPI checks the session, CSRF token, version and tenant, then routes.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) *apiError {
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	rest := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	// Unauthenticated endpoints: liveness and what a client reads before
	// logging in (Avi's Go SDK polls /api/cluster/status without a
	// session; /api/initial-data holds the version).
	switch {
	case rest == "cluster/status" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.clusterStatus())
		return nil
	case rest == "initial-data" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"version": s.versionInfo(), "user_initialized": true})
		return nil
	}
	s.mu.Lock()
	sess := s.sessions[sessionID(r)]
	s.mu.Unlock()
	basic := false
	if sess == nil {
		// Basic authentication: the recorded 20.1.1 controller accepted
		// it (test_basic_auth: writes without a session or CSRF token).
		if u, p, ok := r.BasicAuth(); ok {
			s.mu.Lock()
			pw, known := s.users[u]
			s.mu.Unlock()
			if !known || pw != p || p == "" {
				return errorf(http.StatusUnauthorized, "Invalid credentials")
			}
			sess, basic = &session{user: u}, true
		}
	}
	if sess == nil {
		return errorf(http.StatusUnauthorized, "Authentication credentials were not provided.")
	}
	v := r.Header.Get("X-Avi-Version")
	if v == "" {
		v = wireVersion(DefaultAPIVersion)
	}
	// Echoed on the CSRF refusals too (test_retry_unauth_api).
	w.Header()["AVI_API_VERSION"] = []string{v}
	if write && !basic {
		if r.Header.Get("Referer") == "" {
			return &apiError{status: http.StatusForbidden, msg: "CSRF Failed: Referer checking failed - no Referer.", plain: true}
		}
		cookie, _ := r.Cookie("csrftoken")
		if h := r.Header.Get("X-CSRFToken"); h == "" || h != sess.csrf || cookie == nil || cookie.Value != h {
			return &apiError{status: http.StatusUnauthorized, msg: "CSRF token missing or incorrect.", plain: true}
		}
	}
	if avischema.NewerVersion(v, s.version) {
		return errorf(http.StatusBadRequest, "Invalid version %s: the controller runs %s", v, s.version)
	}
	rq := &apiRequest{version: dotted(v)}

	kind, uuid, _ := strings.Cut(rest, "/")
	switch kind {
	case "systemconfiguration", "useraccount":
		if uuid != "" {
			break
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if kind == "useraccount" {
			return s.serveUserAccount(w, r, sess.user)
		}
		return s.serveSystemConfiguration(w, r)
	}
	if _, ok := typeNames[kind]; !ok || strings.Contains(uuid, "/") {
		return errorf(http.StatusNotFound, "Unknown API path %s", r.URL.Path)
	}

	s.mu.Lock()
	tenant, aerr := s.requestTenant(r)
	edition := s.edition
	s.mu.Unlock()
	if aerr != nil {
		return aerr
	}
	rq.tenant, rq.edition = tenant, edition
	if tenant == "*" && (write || uuid != "") {
		return errorf(http.StatusBadRequest, "X-Avi-Tenant * is only for lists")
	}
	// s.mu is held only while the store is read or changed: bodies are
	// read, decoded, validated and defaulted before, and replies rendered,
	// encoded and written after.
	switch {
	case r.Method == http.MethodGet && uuid == "":
		return s.serveList(w, r, kind, tenant)
	case r.Method == http.MethodGet:
		withName := includeName(r.URL.Query())
		s.mu.Lock()
		o := s.objs[uuid]
		if o == nil || o.kind != kind || !visible(o, tenant) {
			s.mu.Unlock()
			return errorf(http.StatusNotFound, "%s object not found!", typeName(kind))
		}
		v := s.viewOf(o, withName)
		s.mu.Unlock()
		writeRaw(w, http.StatusOK, s.encodeView(nil, &v, withName, rq.version))
		return nil
	case kind == "tenant" && (r.Method == http.MethodPost || r.Method == http.MethodDelete):
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.serveTenantWrite(w, r, uuid, rq)
	case !writable(kind) && kind != "sslkeyandcertificate":
		return errorf(http.StatusForbidden, "%s objects are read-only in avitest", typeName(kind))
	case r.Method == http.MethodPost && uuid == "":
		raw, aerr := readBody(r)
		if aerr != nil {
			return aerr
		}
		body, aerr := parseBody(kind, raw, rq)
		if aerr != nil {
			return aerr
		}
		s.mu.Lock()
		o, aerr := s.createFrom(kind, raw, body, rq, r.Header.Get("Slug"))
		if aerr != nil {
			s.mu.Unlock()
			return aerr
		}
		v := s.viewOf(o, true)
		s.mu.Unlock()
		w.Header().Set("Location", s.viewURL(v.kind, v.uuid, v.name, true))
		writeRaw(w, http.StatusCreated, s.encodeView(nil, &v, true, rq.version))
		return nil
	case (r.Method == http.MethodPut || r.Method == http.MethodPatch) && uuid != "":
		s.mu.Lock()
		o, aerr := s.writableObject(kind, uuid, tenant)
		s.mu.Unlock()
		if aerr != nil {
			return aerr
		}
		raw, aerr := readBody(r)
		if aerr != nil {
			return aerr
		}
		if r.Method == http.MethodPatch {
			s.mu.Lock()
			if s.objs[uuid] != o {
				s.mu.Unlock()
				return errorf(http.StatusNotFound, "%s object not found!", typeName(kind))
			}
			raw, aerr = s.patched(o, raw, rq.version)
			s.mu.Unlock()
			if aerr != nil {
				return aerr
			}
		}
		body, aerr := parseBody(kind, raw, rq)
		if aerr != nil {
			return aerr
		}
		s.mu.Lock()
		aerr = s.replaceFrom(o, raw, body, rq)
		if aerr != nil {
			s.mu.Unlock()
			return aerr
		}
		v := s.viewOf(o, true)
		s.mu.Unlock()
		writeRaw(w, http.StatusOK, s.encodeView(nil, &v, true, rq.version))
		return nil
	case r.Method == http.MethodDelete && uuid != "":
		s.mu.Lock()
		defer s.mu.Unlock()
		o := s.objs[uuid]
		if o == nil || o.kind != kind || !visible(o, tenant) {
			return errorf(http.StatusNotFound, "%s object not found!", typeName(kind))
		}
		if o.tenant != tenant && !o.system {
			return errorf(http.StatusForbidden, "Cannot delete %s %s from tenant %s", typeName(kind), o.name, tenant)
		}
		if aerr := s.remove(o); aerr != nil {
			return aerr
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return errorf(http.StatusMethodNotAllowed, "Method %q not allowed.", r.Method)
}

// writableObject returns the object uuid of kind that tenant may modify.
// s.mu is held.
func (s *Server) writableObject(kind, uuid, tenant string) (*object, *apiError) {
	o := s.objs[uuid]
	if o == nil || o.kind != kind || !visible(o, tenant) {
		return nil, errorf(http.StatusNotFound, "%s object not found!", typeName(kind))
	}
	if o.system || o.tenant != tenant {
		return nil, errorf(http.StatusForbidden, "Cannot modify %s %s from tenant %s", typeName(kind), o.name, tenant)
	}
	return o, nil
}

// recheck makes a body parsed without s.mu still hold now that it is held:
// the request's tenant must still exist, and a body validated for an
// edition that has since changed is parsed again from raw. s.mu is held.
func (s *Server) recheck(kind string, raw []byte, body map[string]any, rq *apiRequest) (map[string]any, *apiError) {
	if rq.tenant != adminTenant && s.tenantUUID(rq.tenant) == "" {
		return nil, errorf(http.StatusForbidden, "Tenant '%s' does not exist!", rq.tenant)
	}
	if rq.edition != s.edition {
		rq.edition = s.edition
		return parseBody(kind, raw, rq)
	}
	return body, nil
}

// createFrom stores a body parsed from raw as a new object (Slug forces its
// uuid). s.mu is held.
func (s *Server) createFrom(kind string, raw []byte, body map[string]any, rq *apiRequest, slug string) (*object, *apiError) {
	body, aerr := s.recheck(kind, raw, body, rq)
	if aerr != nil {
		return nil, aerr
	}
	p, aerr := s.prepareBody(kind, body, nil, rq)
	if aerr != nil {
		return nil, aerr
	}
	if slug != "" {
		// Slug forces the uuid of the new object (CAS test_force_uuid).
		if s.objs[slug] != nil {
			return nil, errorf(http.StatusConflict, "%s object with uuid %s already exists", typeName(kind), slug)
		}
		p.body["uuid"] = slug
	}
	return s.create(kind, rq.tenant, p, false), nil
}

// replaceFrom stores a body parsed from raw over o, unless o was deleted
// meanwhile. s.mu is held.
func (s *Server) replaceFrom(o *object, raw []byte, body map[string]any, rq *apiRequest) *apiError {
	if s.objs[o.uuid] != o {
		return errorf(http.StatusNotFound, "%s object not found!", typeName(o.kind))
	}
	body, aerr := s.recheck(o.kind, raw, body, rq)
	if aerr != nil {
		return aerr
	}
	p, aerr := s.prepareBody(o.kind, body, o, rq)
	if aerr != nil {
		return aerr
	}
	s.replace(o, p)
	return nil
}

func includeName(q url.Values) bool { return q.Has("include_name") && q.Get("include_name") != "false" }

func readBody(r *http.Request) ([]byte, *apiError) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodySize+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "reading body: %v", err)
	}
	if len(raw) > maxBodySize {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body too large")
	}
	return raw, nil
}

// requestTenant returns the tenant named by X-Avi-Tenant-UUID or
// X-Avi-Tenant (admin when neither is set).
func (s *Server) requestTenant(r *http.Request) (string, *apiError) {
	if id := r.Header.Get("X-Avi-Tenant-UUID"); id != "" {
		if o := s.objs[id]; o != nil && o.kind == "tenant" {
			return o.name, nil
		}
		return "", errorf(http.StatusForbidden, "Tenant '%s' does not exist!", id)
	}
	t := r.Header.Get("X-Avi-Tenant")
	switch {
	case t == "":
		return adminTenant, nil
	case t == "*":
		return t, nil
	case s.tenantUUID(t) == "":
		return "", errorf(http.StatusForbidden, "Tenant '%s' does not exist!", t)
	}
	return t, nil
}

// serveList answers GET /api/<kind> with paging and filters.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, kind, tenant string) *apiError {
	q := r.URL.Query()
	page, size := 1, s.pageSize
	if q.Has("page") {
		n, err := strconv.Atoi(q.Get("page"))
		if err != nil || n < 1 {
			return errorf(http.StatusNotFound, "Invalid page.")
		}
		page = n
	}
	if q.Has("page_size") {
		n, err := strconv.Atoi(q.Get("page_size"))
		if err != nil || n < 1 || n > MaxPageSize {
			return errorf(http.StatusBadRequest, "page_size must be between 1 and %d, got %q", MaxPageSize, q.Get("page_size"))
		}
		size = n
	}
	withName := includeName(q)
	version := dotted(r.Header.Get("X-Avi-Version"))
	if version == "" {
		version = DefaultAPIVersion
	}
	s.mu.Lock()
	hits := s.listHits(kind, tenant, q)
	from := min((page-1)*size, len(hits))
	to := min(from+size, len(hits))
	views := make([]view, to-from)
	for i, o := range hits[from:to] {
		views[i] = s.viewOf(o, withName)
	}
	s.mu.Unlock()

	// The reply is what json.Marshal makes of {"count", "next", "results"}
	// (keys sorted), with each object encoded on its own.
	var buf bytes.Buffer
	buf.Grow(64 + 2048*len(views))
	buf.WriteString(`{"count":`)
	buf.WriteString(strconv.Itoa(len(hits)))
	if to < len(hits) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("page", strconv.Itoa(page+1))
		buf.WriteString(`,"next":`)
		buf.Write(marshal(s.base + r.URL.Path + "?" + nq.Encode()))
	}
	buf.WriteString(`,"results":[`)
	for i := range views {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(s.encodeView(buf.AvailableBuffer(), &views[i], withName, version))
	}
	buf.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// listKey identifies the objects a list query selects: kind, tenant and
// the filters (the query without page, page_size and include_name).
type listKey struct{ kind, tenant, filters string }

// listHits are the objects a list query selected, in order, at a state
// of the store (Server.mutations).
type listHits struct {
	mutations uint64
	objs      []*object
}

// maxListCache bounds the list queries whose hits are kept.
const maxListCache = 16

// listHits returns the objects of kind a list in tenant selects with the
// filters of q, in creation order. The hits of a query are kept until the
// store changes, so the pages of one list cost O(page) each after the
// first, which costs O(objects of kind). s.mu is held.
func (s *Server) listHits(kind, tenant string, q url.Values) []*object {
	f := url.Values{}
	for k, v := range q {
		switch k {
		case "page", "page_size", "include_name":
		default:
			f[k] = v
		}
	}
	key := listKey{kind: kind, tenant: tenant, filters: f.Encode()}
	if h := s.lists[key]; h != nil && h.mutations == s.mutations {
		return h.objs
	}
	var hits []*object
	if x := s.byKind[kind]; x != nil {
		for _, o := range x.objs {
			if o.removed {
				continue
			}
			if tenant != "*" && o.tenant != tenant && kind != "tenant" {
				continue
			}
			if s.matches(o, q) {
				hits = append(hits, o)
			}
		}
	}
	if len(s.lists) >= maxListCache {
		clear(s.lists)
	}
	s.lists[key] = &listHits{mutations: s.mutations, objs: hits}
	return hits
}

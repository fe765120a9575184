package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// applyFlags say where the translated Sets go.
type applyFlags struct {
	controller   string // "" = the embedded fake controller
	username     string
	passwordFile string
	tenant       string
	caFile       string
	insecure     bool
	insecureHTTP bool // allow an http:// --controller: password in clear text
	dryRun       bool
	noApply      bool
	fakeVersion  string   // release the embedded fake behaves like
	fakeEdition  string   // licence edition of the embedded fake
	fakeRanges   fileList // VIP ranges of the embedded fake, at most one per family
	stats        bool
	quiet        bool // no round lines

	// inspect, when set, sees the embedded fake controller after the
	// last apply round (tests).
	inspect func(*avitest.Server)
}

// target is a controller the Sets are applied to.
type target struct {
	applier *apply.Applier
	fake    *avitest.Server // nil for a real controller
	close   func()
}

func (f applyFlags) connect(sets []*aviobj.Set, onSetDone func(int, error)) (*target, error) {
	if f.controller == "" {
		// The fake knows the tenants the Sets live in, as a prepared
		// controller would.
		var tenants []string
		for _, s := range sets {
			if s.Tenant != "admin" && !slices.Contains(tenants, s.Tenant) {
				tenants = append(tenants, s.Tenant)
			}
		}
		opts := []avitest.Option{avitest.WithTenants(tenants...), avitest.WithVersion(f.fakeVersion), avitest.WithEdition(f.fakeEdition)}
		for _, r := range f.vipRanges() {
			opts = append(opts, avitest.WithVIPRange(r))
		}
		// ...and the SE groups and VIP networks the translation names.
		seen := map[string]bool{}
		for _, s := range sets {
			if r, err := aviobj.ParseRef(s.VirtualService.SEGroupRef); err == nil && r.Name != "Default-Group" && !seen["seg/"+r.Name] {
				seen["seg/"+r.Name] = true
				opts = append(opts, avitest.WithSEGroups(r.Name))
			}
			if n := s.VsVip.Vip[0].IPAMNetworkSubnet; n != nil {
				if r, err := aviobj.ParseRef(n.NetworkRef); err == nil && r.Name != "" && !seen["net/"+r.Name] {
					seen["net/"+r.Name] = true
					cidr := "10.60.0.0/24"
					if n.Subnet != nil {
						cidr = fmt.Sprintf("%s/%d", n.Subnet.IPAddr.Addr, n.Subnet.Mask)
					}
					opts = append(opts, avitest.WithNetwork(r.Name, cidr))
				}
			}
		}
		fake := avitest.New(opts...)
		c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(),
			Password: client.Password(fake.Password()), CAPool: fake.CertPool(), Tenant: f.tenant})
		if err != nil {
			fake.Close()
			return nil, err
		}
		// One Set at a time, so the fake allocates VIPs in a stable order.
		return &target{applier: apply.New(c, apply.Options{Concurrency: 1, OnSetDone: onSetDone}), fake: fake, close: fake.Close}, nil
	}
	if f.username == "" || f.passwordFile == "" {
		return nil, errors.New("--controller needs --username and --password-file")
	}
	opts := client.Options{URL: f.controller, Username: f.username, Tenant: f.tenant, InsecureSkipVerify: f.insecure,
		AllowInsecureHTTP: f.insecureHTTP,
		// The password is read at every login, never kept in a flag.
		PasswordFunc: func(context.Context) (client.Password, error) {
			b, err := os.ReadFile(f.passwordFile)
			if err != nil {
				return "", fmt.Errorf("reading the password file: %w", err)
			}
			return client.Password(strings.TrimSpace(string(b))), nil
		}}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, fmt.Errorf("reading the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", f.caFile)
		}
		opts.CAPool = pool
	}
	c, err := client.New(opts)
	if err != nil {
		return nil, err
	}
	return &target{applier: apply.New(c, apply.Options{OnSetDone: onSetDone}), close: func() {}}, nil
}

// statsLine is the --stats record of one apply round:
// {"round":N,"calls":{"GET":n,"POST":n,"PUT":n,"PATCH":n,"DELETE":n}}.
type statsLine struct {
	Round int        `json:"round"`
	Calls statsCalls `json:"calls"`
}

type statsCalls struct {
	GET    int `json:"GET"`
	POST   int `json:"POST"`
	PUT    int `json:"PUT"`
	PATCH  int `json:"PATCH"`
	DELETE int `json:"DELETE"`
}

// applySets plans (dry run) or applies the Sets and returns the live VIPs
// of each by setKey. Against the embedded fake controller it applies
// twice and reports both rounds, showing that the second makes no writes.
//
// What became of each Set (its plan or first-round result, or why it
// failed) is recorded in ap, for the per-object report; the round lines go
// to stderr unless quiet.
func applySets(ctx context.Context, f applyFlags, sets []*aviobj.Set, stderr io.Writer, ap *applied) (map[string][]string, error) {
	vips := map[string][]string{}
	ap.results, ap.plans, ap.failed = map[string]*apply.Result{}, map[string]*apply.Changes{}, map[string]string{}
	if len(sets) == 0 || f.noApply {
		return vips, nil
	}
	prog := &progress{w: stderr, total: len(sets), on: !f.quiet && len(sets) > progressMin}
	t, err := f.connect(sets, prog.done)
	if err != nil {
		return nil, err
	}
	defer t.close()
	where := "the embedded fake controller " + "(avitest)"
	if t.fake == nil {
		where = f.controller
	}
	ap.where = where
	recordFailed := func(err error) {
		for _, se := range apply.FailedSets(err) {
			ap.failed[se.Tenant+"/"+se.Set] = se.Err.Error()
		}
	}
	if f.dryRun {
		prog.start("plan")
		plans, err := t.applier.PlanAll(ctx, sets)
		for _, p := range plans {
			if p != nil {
				ap.plans[p.Tenant+"/"+p.Set] = p
			}
		}
		recordFailed(err)
		return vips, err
	}
	rounds := 2
	if t.fake == nil {
		rounds = 1
	}
	for round := 1; round <= rounds; round++ {
		if t.fake != nil {
			t.fake.ResetCalls()
		}
		prog.start(fmt.Sprintf("round %d", round))
		results, err := t.applier.ApplyAll(ctx, sets)
		writes := 0
		for _, r := range results {
			if r == nil {
				continue
			}
			writes += r.Writes()
			if round == 1 {
				ap.results[r.Tenant+"/"+r.Set] = r
			}
			vips[r.Tenant+"/"+r.Set] = r.VIPs
		}
		if round == 1 {
			recordFailed(err)
		}
		if !f.quiet {
			fmt.Fprintf(stderr, "round %d: %d Set(s), %d write(s)\n", round, len(sets), writes)
		}
		if t.fake != nil {
			calls := t.fake.Calls()
			if !f.quiet {
				fmt.Fprintf(stderr, "round %d calls: %s\n", round, calls)
			}
			if f.stats {
				line := statsLine{Round: round, Calls: statsCalls{GET: calls.Method("GET"), POST: calls.Method("POST"),
					PUT: calls.Method("PUT"), PATCH: calls.Method("PATCH"), DELETE: calls.Method("DELETE")}}
				js, _ := json.Marshal(line)
				fmt.Fprintf(stderr, "%s\n", js)
			}
		}
		if err != nil {
			return vips, err
		}
	}
	if t.fake != nil && f.inspect != nil {
		f.inspect(t.fake)
	}
	return vips, nil
}

// setKey is the key of a Set's live VIPs in the map applySets returns:
// "<tenant>/<name>" ("" for no Set).
func setKey(s *aviobj.Set) string {
	if s == nil {
		return ""
	}
	return s.Tenant + "/" + s.Name()
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// Default VIP ranges of the embedded fake controller: room for 65,534 IPv4
// and 2^64 IPv6 VIPs, so that every input of up to 10,000 Services (and
// far more) applies.
const (
	defaultFakeVIPRange  = "10.50.0.0/16"
	defaultFakeVIP6Range = "2001:db8:50::/64"
)

// vipRanges returns the VIP ranges of the embedded fake: the defaults,
// with a --fake-vip-range of a family replacing that family's.
func (f applyFlags) vipRanges() []string {
	v4, v6 := defaultFakeVIPRange, defaultFakeVIP6Range
	for _, r := range f.fakeRanges {
		if p, err := netip.ParsePrefix(r); err == nil && p.Addr().Is4() {
			v4 = r
		} else {
			v6 = r
		}
	}
	return []string{v4, v6}
}

// fakeVersionRE is a controller release: "22.1.3".
var fakeVersionRE = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)

// checkFake checks the flags of the embedded fake controller, which only
// make sense without --controller.
func (f applyFlags) checkFake() error {
	if (f.fakeVersion != "" || f.fakeEdition != "" || len(f.fakeRanges) > 0) && f.controller != "" {
		return errors.New("--fake-version, --fake-edition and --fake-vip-range are for the embedded fake controller, not with --controller")
	}
	families := map[bool]string{}
	for _, r := range f.fakeRanges {
		p, err := netip.ParsePrefix(r)
		if err != nil || p.Masked() != p {
			return fmt.Errorf("--fake-vip-range %q: want a network such as 10.50.0.0/16 or 2001:db8:50::/64", r)
		}
		if p.Addr().Is4() && p.Bits() > 30 || p.Addr().Is6() && p.Bits() > 126 {
			return fmt.Errorf("--fake-vip-range %q: the range is too small to allocate from", r)
		}
		if prev, ok := families[p.Addr().Is4()]; ok {
			return fmt.Errorf("--fake-vip-range %q: %s already sets the range of this family", r, prev)
		}
		families[p.Addr().Is4()] = r
	}
	if f.fakeVersion != "" && !fakeVersionRE.MatchString(f.fakeVersion) {
		return fmt.Errorf("--fake-version %q: want a release such as 22.1.3", f.fakeVersion)
	}
	switch f.fakeEdition {
	case "", "ENTERPRISE", "ENTERPRISE_WITH_CLOUD_SERVICES", "ESSENTIALS", "BASIC":
		return nil
	}
	return fmt.Errorf("--fake-edition %q: want ENTERPRISE, ENTERPRISE_WITH_CLOUD_SERVICES, ESSENTIALS or BASIC", f.fakeEdition)
}

// progressMin is the number of Sets above which applying them shows
// progress on stderr (more than a screenful of outcome lines).
const progressMin = 40

// progress prints "round 1: applied 120/1000 Set(s)" lines while a bulk
// call runs: at each further tenth of the Sets, or once a second,
// whichever comes first, and the last one at the end.
type progress struct {
	w     io.Writer
	total int
	on    bool

	mu    sync.Mutex
	what  string
	n     int
	step  int // the last tenth printed
	last  time.Time
	clock func() time.Time // time.Now; tests replace it
}

func (p *progress) start(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.what, p.n, p.step = what, 0, 0
	p.last = p.now()
}

func (p *progress) now() time.Time {
	if p.clock != nil {
		return p.clock()
	}
	return time.Now()
}

// done is apply.Options.OnSetDone.
func (p *progress) done(int, error) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	step := p.n * 10 / p.total
	now := p.now()
	if p.n == p.total || step > p.step || now.Sub(p.last) >= time.Second {
		p.step, p.last = step, now
		fmt.Fprintf(p.w, "%s: %d/%d Set(s) done\n", p.what, p.n, p.total)
	}
}

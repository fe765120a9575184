package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/manifests"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/internal/version"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
	"github.com/avil4/avil4/profiles"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // some object could not be (fully) translated
	exitUsage   = 2 // bad flags or unreadable input
	exitApply   = 3 // the controller refused or failed
)

// fileList is a repeatable -f flag.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

// Output is the JSON document printed on stdout.
type Output struct {
	Services   []ServiceOutput   `json:"services"`
	SharedVIPs []SharedVIPOutput `json:"sharedVIPs,omitempty"`
	Gateways   []GatewayOutput   `json:"gateways,omitempty"`
	// DecodeErrors lists the input documents (or List items) that could
	// not be decoded, in input order; the other documents are translated.
	DecodeErrors []DecodeError `json:"decodeErrors,omitempty"`
}

// DecodeError is one input document, or one item of a List document, that
// could not be decoded.
type DecodeError struct {
	// Source is the file name ("-" for stdin).
	Source string `json:"source"`
	// Document is the 1-based index of the document in Source.
	Document int `json:"document"`
	// Item is the 0-based index in the List document's items, when the
	// document is a List.
	Item *int `json:"item,omitempty"`
	// APIVersion, Kind and Object ("namespace/name") identify the object
	// as far as they could be read.
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Object     string `json:"object,omitempty"`
	// Errors are the field errors, paths from the object's root.
	Errors []FieldError `json:"errors,omitempty"`
	// Reason says why the document cannot be read at all (YAML syntax,
	// not a mapping) when no field is to blame.
	Reason string `json:"reason,omitempty"`
	// Message is the whole error in one line, as on stderr.
	Message string `json:"message"`
}

func decodeErrors(errs []*manifest.DocumentError) []DecodeError {
	var out []DecodeError
	for _, e := range errs {
		d := DecodeError{Source: e.Source, Document: e.Document, Item: e.Item, APIVersion: e.APIVersion, Kind: e.Kind,
			Object: e.Name, Reason: e.Reason, Message: e.Error()}
		if e.Namespace != "" {
			d.Object = e.Namespace + "/" + e.Name
		}
		if len(e.Errors) > 0 {
			d.Errors = fieldErrors(e.Errors)
		}
		out = append(out, d)
	}
	return out
}

// SharedVIPOutput is the translation of one shared-VIP group: one
// VirtualService for all its members.
type SharedVIPOutput struct {
	Group    string          `json:"group"`
	NotOurs  *l4.NotOurs     `json:"notOurs,omitempty"`
	Errors   []FieldError    `json:"errors,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Members  []ServiceOutput `json:"members,omitempty"`
	Objects  []AviObject     `json:"objects,omitempty"`
}

// GatewayOutput is the translation of one Gateway (either API version).
type GatewayOutput struct {
	Gateway    string              `json:"gateway"`
	APIVersion string              `json:"apiVersion"`
	NotOurs    *l4.NotOurs         `json:"notOurs,omitempty"`
	Errors     []FieldError        `json:"errors,omitempty"`
	Warnings   []string            `json:"warnings,omitempty"`
	Listeners  []l4.ListenerResult `json:"listeners,omitempty"`
	Routes     []RouteOutput       `json:"routes,omitempty"`
	// Status is the Gateway status with the live VIPs.
	Status  any         `json:"status,omitempty"`
	Objects []AviObject `json:"objects,omitempty"`
}

// RouteOutput is the status of one route towards a Gateway.
type RouteOutput struct {
	Route   string                        `json:"route"`
	Errors  []FieldError                  `json:"errors,omitempty"`
	Parents []gatewayv1.RouteParentStatus `json:"parents"`
}

// ServiceOutput is the translation of one Service.
type ServiceOutput struct {
	Service  string          `json:"service"`
	NotOurs  *l4.NotOurs     `json:"notOurs,omitempty"`
	Errors   []FieldError    `json:"errors,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Ports    []l4.PortResult `json:"ports,omitempty"`
	// Status is the Service's status with the live VIPs.
	Status *ServiceStatus `json:"status,omitempty"`
	// Objects are the Avi objects in apply order, each as it would be sent.
	Objects []AviObject `json:"objects,omitempty"`
}

// AviObject is one object with its REST type.
type AviObject struct {
	Kind aviobj.Kind   `json:"kind"`
	Body aviobj.Object `json:"body"`
}

// FieldError is a field.Error in JSON form.
type FieldError struct {
	Field   string `json:"field"`
	Type    string `json:"type"`
	Value   any    `json:"value,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Message string `json:"message"`
}

func fieldErrors(errs field.ErrorList) []FieldError {
	out := make([]FieldError, 0, len(errs))
	for _, e := range errs {
		fe := FieldError{Field: e.Field, Type: string(e.Type), Detail: e.Detail, Message: e.Error()}
		if _, omit := e.BadValue.(field.OmitValueType); !omit && e.BadValue != nil && e.Type != field.ErrorTypeRequired && e.Type != field.ErrorTypeForbidden {
			fe.Value = e.BadValue
		}
		out = append(out, fe)
	}
	return out
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(args, stdin, stdout, stderr, hooks{})
}

// hooks let tests look inside a run.
type hooks struct {
	// fake, when set, is called with the embedded fake controller after
	// the last apply round, before it is closed.
	fake func(*avitest.Server)
}

func runWith(args []string, stdin io.Reader, stdout, stderr io.Writer, h hooks) int {
	fl := flag.NewFlagSet("translate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		files     fileList
		opts      l4.Options
		license   string
		mode      string
		family    string
		format    string
		vipNet    string
		defaultLB bool
		autoFQDN  string
	)
	fl.Var(&files, "f", "manifest file to translate (repeatable; - for stdin; multi-document YAML, Lists unpacked); default: the bundled examples.\n"+
		"Documents that cannot be decoded are reported on stderr and under decodeErrors, the others translated (exit 1).\n"+
		"Exit: 0 ok, 1 decode, translation or name-collision errors (the rest still served), 2 usage or unreadable input, 3 controller failure")
	fl.StringVar(&opts.ClusterName, "cluster", "cluster", "cluster name: prefix of every object name, and the ownership mark")
	fl.StringVar(&opts.Tenant, "tenant", l4.DefaultTenant, "Avi tenant")
	fl.StringVar(&opts.Cloud, "cloud", l4.DefaultCloud, "Avi cloud")
	fl.StringVar(&opts.SEGroup, "se-group", l4.DefaultSEGroup, "service engine group")
	fl.StringVar(&opts.VRF, "vrf", l4.DefaultVRF, "VRF context")
	fl.StringVar(&license, "license", string(profiles.LicenseEnterprise), "licence tier: ENTERPRISE|ENTERPRISE_WITH_CLOUD_SERVICES|ESSENTIALS|BASIC")
	fl.StringVar(&mode, "mode", string(l4.BackendClusterIP), "backend mode: ClusterIP|NodePort|NodePortLocal")
	fl.StringVar(&family, "ip-family", "", "VIP family: V4|V6|V4_V6; empty follows each Service's spec.ipFamilies")
	fl.StringVar(&vipNet, "vip-network", "", "network to allocate VIPs from (name)")
	fl.BoolVar(&defaultLB, "default-lb-controller", true, "translate Services without spec.loadBalancerClass")
	fl.StringVar(&autoFQDN, "auto-fqdn", "disabled", "automatic FQDNs: default|flat|disabled")
	fl.StringVar(&opts.FQDNSubdomain, "fqdn-subdomain", "", "DNS domain of automatic FQDNs")
	fl.BoolVar(&opts.HealthzMonitor, "healthz-monitor", false, "NodePort mode: check externalTrafficPolicy Local nodes with HTTP /healthz on the healthCheckNodePort")
	fl.StringVar(&opts.GatewayController, "gateway-controller", l4.GatewayControllerName, "GatewayClass controller name served")
	fl.StringVar(&format, "o", "json", "output format: json|yaml")
	var af applyFlags
	fl.StringVar(&af.controller, "controller", "", "apply to this Avi controller URL instead of the embedded fake controller")
	fl.StringVar(&af.username, "username", "", "controller user (with --controller)")
	fl.StringVar(&af.passwordFile, "password-file", "", "file holding the controller password (with --controller)")
	fl.StringVar(&af.caFile, "ca-file", "", "PEM CA bundle to verify the controller's certificate")
	fl.BoolVar(&af.insecure, "insecure-skip-verify", false, "do not verify the controller's certificate (labs only)")
	fl.BoolVar(&af.insecureHTTP, "insecure-http", false, "INSECURE: allow an http:// --controller, sending the password and session cookies in clear text (tests on loopback only)")
	fl.BoolVar(&af.dryRun, "dry-run", false, "print the plan only; write nothing")
	fl.BoolVar(&af.noApply, "no-apply", false, "translate only; talk to no controller, not even the embedded fake")
	fl.StringVar(&af.fakeVersion, "fake-version", "", "release the embedded fake controller behaves like, e.g. 21.1.4 (no SCTP before 22.1.3); default the embedded schema's")
	fl.StringVar(&af.fakeEdition, "fake-edition", "", "licence edition of the embedded fake controller: ENTERPRISE|ENTERPRISE_WITH_CLOUD_SERVICES|ESSENTIALS|BASIC; default ENTERPRISE")
	fl.Var(&af.fakeRanges, "fake-vip-range", "range the embedded fake controller allocates VIPs from, once per family (default "+defaultFakeVIPRange+" and "+defaultFakeVIP6Range+")")
	fl.BoolVar(&af.stats, "stats", false, "print one JSON line of API calls per apply round on stderr (embedded fake only)")
	quietFlag := fl.Bool("quiet", false, "stderr: only the errors and the closing summary (no per-object headings, notes or round lines)")
	verboseFlag := fl.Bool("v", false, "stderr: also every object of each plan or apply, under its Service's or Gateway's heading")
	printVersion := fl.Bool("version", false, "print the module path, version and VCS revision this command was built from, and exit")
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if *printVersion {
		fmt.Fprintln(stdout, version.String("translate"))
		return 0
	}
	if *quietFlag && *verboseFlag {
		fmt.Fprintln(stderr, "translate: --quiet and -v exclude each other")
		return exitUsage
	}
	v := normal
	switch {
	case *quietFlag:
		v = quiet
	case *verboseFlag:
		v = verbose
	}
	af.quiet = v == quiet
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "translate: unexpected arguments %q (use -f FILE)\n", fl.Args())
		return exitUsage
	}
	if format != "json" && format != "yaml" {
		fmt.Fprintf(stderr, "translate: -o must be json or yaml, not %q\n", format)
		return exitUsage
	}
	if err := af.checkFake(); err != nil {
		fmt.Fprintf(stderr, "translate: %v\n", err)
		return exitUsage
	}
	opts.License = profiles.License(license)
	opts.BackendMode = l4.BackendMode(mode)
	opts.IPFamily = l4.IPFamily(family)
	opts.DefaultLBController = &defaultLB
	opts.AutoFQDN = l4.AutoFQDN(autoFQDN)
	if vipNet != "" {
		opts.VIPNetworks = []l4.VIPNetwork{{NetworkName: vipNet}}
	}
	if errs := opts.Validate(); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(stderr, "translate: %s\n", strings.Replace(e.Error(), "options.", "flag ", 1))
		}
		return exitUsage
	}

	var b manifest.Bundle
	if err := load(&b, files, stdin); err != nil {
		fmt.Fprintf(stderr, "translate: %v\n", err)
		return exitUsage
	}
	for _, e := range b.Errors {
		fmt.Fprintf(stderr, "translate: cannot decode %v\n", e)
	}
	if v != quiet {
		for _, d := range b.Other {
			fmt.Fprintf(stderr, "note: %s is not translated (kind %s is not an input of L4 translation)\n", d, d.Kind)
		}
	}

	af.tenant = opts.Tenant
	af.inspect = h.fake
	out, results, claims, refused := translate(&b, opts)
	for _, r := range refused {
		fmt.Fprintf(stderr, "translate: %s\n", r)
	}
	out.DecodeErrors = decodeErrors(b.Errors)
	var sets []*aviobj.Set
	for _, c := range claims {
		if c.set != nil {
			sets = append(sets, c.set)
		}
	}
	var ap applied
	vips, err := applySets(context.Background(), af, sets, stderr, &ap)
	if err != nil && len(apply.FailedSets(err)) == 0 {
		fmt.Fprintf(stderr, "translate: applying: %v\n", err)
	}
	subs := subjects(&b, out, claims, results.groupPos)
	report(stderr, subs, ap, v)
	addStatus(&b, results, &out, vips)
	if werr := write(stdout, out, format); werr != nil {
		fmt.Fprintf(stderr, "translate: %v\n", werr)
		return exitUsage
	}
	bad := summary(stderr, subs, b.Errors, ap)
	if errors.Is(err, client.ErrInvalidOptions) {
		return exitUsage // a bad or insecure --controller URL is a usage error
	}
	if err != nil {
		return exitApply
	}
	if bad {
		return exitInvalid
	}
	return exitOK
}

// load decodes the -f files, or the bundled examples when there are none.
// Documents that cannot be decoded are kept in b.Errors; the error it
// returns is for input that cannot be read at all.
func load(b *manifest.Bundle, files []string, stdin io.Reader) error {
	decode := func(r io.Reader, source string) error {
		var de manifest.DecodeErrors
		if err := b.Decode(r, source); err != nil && !errors.As(err, &de) {
			return err
		}
		return nil
	}
	if len(files) == 0 {
		fsys := manifests.FS()
		names, err := fs.Glob(fsys, "*.yaml")
		if err != nil {
			return err
		}
		sort.Strings(names)
		for _, n := range names {
			data, err := fs.ReadFile(fsys, n)
			if err != nil {
				return err
			}
			if err := decode(bytes.NewReader(data), "examples/manifests/"+n); err != nil {
				return err
			}
		}
		return nil
	}
	for _, f := range files {
		if f == "-" {
			if err := decode(stdin, "-"); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := decode(bytes.NewReader(data), f); err != nil {
			return err
		}
	}
	if len(b.Services)+len(b.Gateways)+len(b.LegacyGateways)+len(b.Other)+len(b.Errors) == 0 {
		return errors.New("no Kubernetes objects in the input")
	}
	return nil
}

// results keeps the translations, in the bundle's order, for the statuses
// computed once the VIPs are known.
type results struct {
	services []l4.Result
	groups   []l4.SharedVIPResult
	gateways []l4.GatewayResult
	legacy   []l4.GatewayResult
	// refused holds, by index in Output.Gateways, why a Gateway's Set was
	// dropped (a collision), for its status.
	refused map[int]string
	// groupPos is where each group of groups was read: where its first
	// member is.
	groupPos []manifest.Position
}

// translate runs every Service, shared-VIP group and Gateway through l4,
// then drops the Sets whose Avi names collide with those of an object
// earlier in the input (see dropCollisions). The claims it returns hold
// the Sets to apply (nil for the dropped ones), in translation order;
// refused has a line per dropped Set.
func translate(b *manifest.Bundle, opts l4.Options) (out Output, rs *results, claims []claim, refused []string) {
	rs = &results{refused: map[int]string{}}
	out = Output{Services: []ServiceOutput{}}
	// ranked are the claims with their input order and how to refuse them.
	var ranked []rankedClaim
	for i := range b.Services {
		svc := &b.Services[i]
		res := l4.TranslateService(b.ServiceInput(i), opts)
		rs.services = append(rs.services, res)
		so := ServiceOutput{
			Service:  svc.Namespace + "/" + svc.Name,
			NotOurs:  res.NotOurs,
			Warnings: res.Warnings,
			Ports:    res.Ports,
		}
		if len(res.Errors) > 0 {
			so.Errors = fieldErrors(res.Errors)
		}
		for _, o := range res.Set.Objects() {
			so.Objects = append(so.Objects, AviObject{Kind: o.AviKind(), Body: o})
		}
		out.Services = append(out.Services, so)
		pos := position(b.Where.Services, i)
		ranked = append(ranked, rankedClaim{
			claim: claim{owner: "Service " + so.Service, where: pos.String(), set: res.Set},
			seq:   pos.Seq,
			refuse: func(c collision, claims []claim) *field.Error {
				e := c.fieldError(claims, field.NewPath("metadata", "name"), svc.Name)
				r := &rs.services[i]
				r.Set, r.Ports, r.Errors = nil, nil, append(r.Errors, e)
				o := &out.Services[i]
				o.Objects, o.Ports, o.Errors = nil, nil, append(o.Errors, fieldErrors(field.ErrorList{e})...)
				return e
			},
		})
	}
	// groupPos is where each shared-VIP group's first member is.
	groupPos := map[l4.SharedVIPGroup]manifest.Position{}
	for i := range b.Services {
		if g, ok := l4.SharedVIPGroupOf(&b.Services[i]); ok {
			p := position(b.Where.Services, i)
			if first, seen := groupPos[g]; !seen || p.Seq < first.Seq {
				groupPos[g] = p
			}
		}
	}
	for gi, g := range l4.SharedVIPGroups(b.Services) {
		res := l4.TranslateSharedVIP(b.SharedVIPInput(g), opts)
		rs.groups = append(rs.groups, res)
		so := SharedVIPOutput{Group: g.String(), NotOurs: res.NotOurs, Warnings: res.Warnings}
		if len(res.Errors) > 0 {
			so.Errors = fieldErrors(res.Errors)
		}
		for _, m := range res.Members {
			mo := ServiceOutput{Service: m.Service.Namespace + "/" + m.Service.Name, NotOurs: m.Result.NotOurs,
				Warnings: m.Result.Warnings, Ports: m.Result.Ports}
			if len(m.Result.Errors) > 0 {
				mo.Errors = fieldErrors(m.Result.Errors)
			}
			so.Members = append(so.Members, mo)
		}
		for _, o := range res.Set.Objects() {
			so.Objects = append(so.Objects, AviObject{Kind: o.AviKind(), Body: o})
		}
		out.SharedVIPs = append(out.SharedVIPs, so)
		// A group is where its first member is in the input.
		pos := groupPos[g]
		rs.groupPos = append(rs.groupPos, pos)
		ranked = append(ranked, rankedClaim{
			claim: claim{owner: "shared-VIP group " + g.String(), where: pos.String(), set: res.Set},
			seq:   pos.Seq,
			refuse: func(c collision, claims []claim) *field.Error {
				e := c.fieldError(claims, field.NewPath("metadata", "annotations").Key(l4.AnnotationSharedVIP), g.Key)
				fe := fieldErrors(field.ErrorList{e})
				r := &rs.groups[gi]
				r.Set, r.Errors = nil, append(r.Errors, e)
				o := &out.SharedVIPs[gi]
				o.Objects, o.Errors = nil, append(o.Errors, fe...)
				// Every member served by the group is refused with it.
				for mi := range r.Members {
					m := &r.Members[mi]
					m.Result.Set = nil
					if m.Result.NotOurs != nil {
						continue
					}
					m.Result.Ports, m.Result.Errors = nil, append(m.Result.Errors, e)
					mo := &o.Members[mi]
					mo.Ports, mo.Errors = nil, append(mo.Errors, fe...)
				}
				return e
			},
		})
	}
	for i := range b.Gateways {
		gw := &b.Gateways[i]
		res := l4.TranslateGateway(b.GatewayInput(i), opts)
		rs.gateways = append(rs.gateways, res)
		g := gatewayOutput(gw.Namespace+"/"+gw.Name, "gateway.networking.k8s.io/v1", res)
		out.Gateways = append(out.Gateways, g)
		pos := position(b.Where.Gateways, i)
		oi := len(out.Gateways) - 1
		ranked = append(ranked, rankedClaim{
			claim: claim{owner: "Gateway " + g.Gateway, where: pos.String(), set: res.Set},
			seq:   pos.Seq,
			refuse: func(c collision, claims []claim) *field.Error {
				e := c.fieldError(claims, field.NewPath("metadata", "name"), gw.Name)
				r := &rs.gateways[i]
				r.Set, r.Errors = nil, append(r.Errors, e)
				rs.refused[oi] = "Not programmed: " + e.Detail + "."
				o := &out.Gateways[oi]
				o.Objects, o.Errors = nil, append(o.Errors, fieldErrors(field.ErrorList{e})...)
				return e
			},
		})
	}
	for i := range b.LegacyGateways {
		gw := &b.LegacyGateways[i]
		res := l4.TranslateLegacyGateway(b.LegacyGatewayInput(i), opts)
		rs.legacy = append(rs.legacy, res)
		g := gatewayOutput(gw.Namespace+"/"+gw.Name, "networking.x-k8s.io/v1alpha1", res)
		out.Gateways = append(out.Gateways, g)
		pos := position(b.Where.LegacyGateways, i)
		oi := len(out.Gateways) - 1
		ranked = append(ranked, rankedClaim{
			claim: claim{owner: "Gateway " + g.Gateway + " (" + g.APIVersion + ")", where: pos.String(), set: res.Set},
			seq:   pos.Seq,
			refuse: func(c collision, claims []claim) *field.Error {
				e := c.fieldError(claims, field.NewPath("metadata", "name"), gw.Name)
				r := &rs.legacy[i]
				r.Set, r.Errors = nil, append(r.Errors, e)
				rs.refused[oi] = "Not programmed: " + e.Detail + "."
				o := &out.Gateways[oi]
				o.Objects, o.Errors = nil, append(o.Errors, fieldErrors(field.ErrorList{e})...)
				return e
			},
		})
	}
	claims, refused = dropCollisions(ranked)
	return out, rs, claims, refused
}

// rankedClaim is a claim with its object's input order (Position.Seq) and
// how to refuse it: record the collision error where the output reports
// errors for its kind, and drop its Set from the results.
type rankedClaim struct {
	claim
	seq    int
	refuse func(c collision, claims []claim) *field.Error
}

// dropCollisions applies the collision rule: the claims are taken in input
// order, and every claim whose Avi objects collide with those of an earlier
// kept claim is refused and its Set dropped. It returns the claims in their
// given order, the refused ones without a Set, and one line per refusal
// for stderr.
func dropCollisions(ranked []rankedClaim) ([]claim, []string) {
	order := make([]int, len(ranked))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return ranked[order[a]].seq < ranked[order[b]].seq })
	claims := make([]claim, len(order))
	for i, r := range order {
		claims[i] = ranked[r].claim
	}
	var refused []string
	for _, c := range findCollisions(claims) {
		r := &ranked[order[c.index]]
		e := r.refuse(c, claims)
		refused = append(refused, fmt.Sprintf("%s (%s) is not applied: %v", r.owner, r.where, e))
		r.set = nil
	}
	out := make([]claim, len(ranked))
	for i := range ranked {
		out[i] = ranked[i].claim
	}
	return out, refused
}

// position returns where[i], or a position ranked by i when the bundle did
// not record one.
func position(where []manifest.Position, i int) manifest.Position {
	if i < len(where) {
		return where[i]
	}
	return manifest.Position{Source: "?", Seq: i}
}

// addStatus fills in every status from the translations and the live VIPs
// (by setKey; none before an apply).
func addStatus(b *manifest.Bundle, rs *results, out *Output, vips map[string][]string) {
	for i, res := range rs.services {
		if res.NotOurs != nil {
			continue
		}
		lb, conds := l4.ServiceStatus(&b.Services[i], res, vips[setKey(res.Set)])
		out.Services[i].Status = &ServiceStatus{LoadBalancer: lb, Conditions: conds}
	}
	for gi, res := range rs.groups {
		for mi, m := range res.Members {
			if m.Result.NotOurs != nil {
				continue
			}
			lb, conds := l4.ServiceStatus(m.Service, m.Result, vips[setKey(res.Set)])
			out.SharedVIPs[gi].Members[mi].Status = &ServiceStatus{LoadBalancer: lb, Conditions: conds}
		}
	}
	for i, res := range rs.gateways {
		if res.NotOurs == nil {
			st := l4.GatewayStatus(&b.Gateways[i], res, vips[setKey(res.Set)])
			if why, ok := rs.refused[i]; ok {
				explain(st.Conditions, string(gatewayv1.GatewayConditionProgrammed), why)
			}
			out.Gateways[i].Status = st
		}
	}
	for i, res := range rs.legacy {
		if res.NotOurs == nil {
			oi := len(rs.gateways) + i
			st := l4.LegacyGatewayStatus(&b.LegacyGateways[i], res, vips[setKey(res.Set)])
			if why, ok := rs.refused[oi]; ok {
				explain(st.Conditions, svcapi.GatewayConditionReady, why)
			}
			out.Gateways[oi].Status = st
		}
	}
}

// explain replaces the message of the condition of type typ by why.
func explain(conds []metav1.Condition, typ, why string) {
	for i := range conds {
		if conds[i].Type == typ {
			conds[i].Message = why
		}
	}
}

// ServiceStatus is a Service's status as the translation and the live VIPs
// make it.
type ServiceStatus struct {
	LoadBalancer corev1.LoadBalancerStatus `json:"loadBalancer"`
	Conditions   []metav1.Condition        `json:"conditions,omitempty"`
}

func gatewayOutput(name, apiVersion string, res l4.GatewayResult) GatewayOutput {
	g := GatewayOutput{Gateway: name, APIVersion: apiVersion, NotOurs: res.NotOurs, Warnings: res.Warnings, Listeners: res.Listeners}
	if len(res.Errors) > 0 {
		g.Errors = fieldErrors(res.Errors)
	}
	for _, r := range res.Routes {
		ro := RouteOutput{Route: r.Kind + " " + r.Namespace + "/" + r.Name, Parents: r.Parents}
		if len(r.Errors) > 0 {
			ro.Errors = fieldErrors(r.Errors)
		}
		g.Routes = append(g.Routes, ro)
	}
	for _, o := range res.Set.Objects() {
		g.Objects = append(g.Objects, AviObject{Kind: o.AviKind(), Body: o})
	}
	return g
}

func write(w io.Writer, out Output, format string) error {
	js, err := json.Marshal(out)
	if err != nil {
		return err
	}
	if js, err = printable(js); err != nil {
		return err
	}
	if format == "yaml" {
		y, err := yamlOut(js)
		if err != nil {
			return err
		}
		_, err = w.Write(y)
		return err
	}
	_, err = w.Write(append(js, '\n'))
	return err
}

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
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/examples/manifests"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
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
		if e.BadValue != nil && e.Type != field.ErrorTypeRequired && e.Type != field.ErrorTypeForbidden {
			fe.Value = e.BadValue
		}
		out = append(out, fe)
	}
	return out
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
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
	fl.Var(&files, "f", "manifest file to translate (repeatable; - for stdin); default: the bundled examples")
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
	fl.BoolVar(&af.stats, "stats", false, "print one JSON line of API calls per apply round on stderr (embedded fake only)")
	if err := fl.Parse(args); err != nil {
		return exitUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "translate: unexpected arguments %q (use -f FILE)\n", fl.Args())
		return exitUsage
	}
	if format != "json" && format != "yaml" {
		fmt.Fprintf(stderr, "translate: -o must be json or yaml, not %q\n", format)
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
	for _, d := range b.Other {
		fmt.Fprintf(stderr, "note: %s is not translated (kind %s is not an input of L4 translation)\n", d, d.Kind)
	}

	af.tenant = opts.Tenant
	out, results, sets, failed := translate(&b, opts)
	vips, err := applySets(context.Background(), af, sets, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "translate: applying: %v\n", err)
	}
	addStatus(&b, results, &out, vips)
	if werr := write(stdout, out, format); werr != nil {
		fmt.Fprintf(stderr, "translate: %v\n", werr)
		return exitUsage
	}
	if err != nil {
		return exitApply
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "translate: %d object(s) have errors\n", failed)
		return exitInvalid
	}
	return exitOK
}

// load decodes the -f files, or the bundled examples when there are none.
func load(b *manifest.Bundle, files []string, stdin io.Reader) error {
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
			if err := b.Decode(bytes.NewReader(data), "examples/manifests/"+n); err != nil {
				return err
			}
		}
		return nil
	}
	for _, f := range files {
		if f == "-" {
			if err := b.Decode(stdin, "-"); err != nil {
				return err
			}
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := b.Decode(bytes.NewReader(data), f); err != nil {
			return err
		}
	}
	if len(b.Services)+len(b.Gateways)+len(b.LegacyGateways)+len(b.Other) == 0 {
		return errors.New("no Kubernetes objects in the input")
	}
	return nil
}

// translate runs every Service through l4 and counts those with errors.
// results keeps the translations, in the bundle's order, for the statuses
// computed once the VIPs are known.
type results struct {
	services []l4.Result
	groups   []l4.SharedVIPResult
	gateways []l4.GatewayResult
	legacy   []l4.GatewayResult
}

func translate(b *manifest.Bundle, opts l4.Options) (Output, *results, []*aviobj.Set, int) {
	var sets []*aviobj.Set
	rs := &results{}
	out := Output{Services: []ServiceOutput{}}
	failed := 0
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
			failed++
		}
		for _, o := range res.Set.Objects() {
			so.Objects = append(so.Objects, AviObject{Kind: o.AviKind(), Body: o})
		}
		if res.Set != nil {
			sets = append(sets, res.Set)
		}
		out.Services = append(out.Services, so)
	}
	for _, g := range l4.SharedVIPGroups(b.Services) {
		res := l4.TranslateSharedVIP(b.SharedVIPInput(g), opts)
		rs.groups = append(rs.groups, res)
		so := SharedVIPOutput{Group: g.String(), NotOurs: res.NotOurs, Warnings: res.Warnings}
		bad := len(res.Errors) > 0
		if bad {
			so.Errors = fieldErrors(res.Errors)
		}
		for _, m := range res.Members {
			mo := ServiceOutput{Service: m.Service.Namespace + "/" + m.Service.Name, NotOurs: m.Result.NotOurs,
				Warnings: m.Result.Warnings, Ports: m.Result.Ports}
			if len(m.Result.Errors) > 0 {
				mo.Errors = fieldErrors(m.Result.Errors)
				bad = true
			}
			so.Members = append(so.Members, mo)
		}
		for _, o := range res.Set.Objects() {
			so.Objects = append(so.Objects, AviObject{Kind: o.AviKind(), Body: o})
		}
		if bad {
			failed++
		}
		if res.Set != nil {
			sets = append(sets, res.Set)
		}
		out.SharedVIPs = append(out.SharedVIPs, so)
	}
	for i := range b.Gateways {
		gw := &b.Gateways[i]
		res := l4.TranslateGateway(b.GatewayInput(i), opts)
		rs.gateways = append(rs.gateways, res)
		g := gatewayOutput(gw.Namespace+"/"+gw.Name, "gateway.networking.k8s.io/v1", res)
		if res.Set != nil {
			sets = append(sets, res.Set)
		}
		failed += g.failed()
		out.Gateways = append(out.Gateways, g)
	}
	for i := range b.LegacyGateways {
		gw := &b.LegacyGateways[i]
		res := l4.TranslateLegacyGateway(b.LegacyGatewayInput(i), opts)
		rs.legacy = append(rs.legacy, res)
		g := gatewayOutput(gw.Namespace+"/"+gw.Name, "networking.x-k8s.io/v1alpha1", res)
		if res.Set != nil {
			sets = append(sets, res.Set)
		}
		failed += g.failed()
		out.Gateways = append(out.Gateways, g)
	}
	return out, rs, sets, failed
}

// addStatus fills in every status from the translations and the live VIPs
// (by Set name; none before an apply).
func addStatus(b *manifest.Bundle, rs *results, out *Output, vips map[string][]string) {
	for i, res := range rs.services {
		if res.NotOurs != nil {
			continue
		}
		lb, conds := l4.ServiceStatus(&b.Services[i], res, vips[res.Set.Name()])
		out.Services[i].Status = &ServiceStatus{LoadBalancer: lb, Conditions: conds}
	}
	for gi, res := range rs.groups {
		for mi, m := range res.Members {
			if m.Result.NotOurs != nil {
				continue
			}
			lb, conds := l4.ServiceStatus(m.Service, m.Result, vips[res.Set.Name()])
			out.SharedVIPs[gi].Members[mi].Status = &ServiceStatus{LoadBalancer: lb, Conditions: conds}
		}
	}
	for i, res := range rs.gateways {
		if res.NotOurs == nil {
			out.Gateways[i].Status = l4.GatewayStatus(&b.Gateways[i], res, vips[res.Set.Name()])
		}
	}
	for i, res := range rs.legacy {
		if res.NotOurs == nil {
			out.Gateways[len(rs.gateways)+i].Status = l4.LegacyGatewayStatus(&b.LegacyGateways[i], res, vips[res.Set.Name()])
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

// failed is 1 when the Gateway or one of its routes has errors.
func (g GatewayOutput) failed() int {
	if len(g.Errors) > 0 {
		return 1
	}
	for _, r := range g.Routes {
		if len(r.Errors) > 0 {
			return 1
		}
	}
	return 0
}

func write(w io.Writer, out Output, format string) error {
	js, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if format == "yaml" {
		y, err := yaml.JSONToYAML(js)
		if err != nil {
			return err
		}
		_, err = w.Write(y)
		return err
	}
	_, err = w.Write(append(js, '\n'))
	return err
}

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/internal/version"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

func main() {
	err := run(ctrl.SetupSignalHandler(), os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h and --help print the usage and succeed.
	case err != nil:
		fmt.Fprintln(os.Stderr, "controller:", err)
		os.Exit(1)
	}
}

// stringList is a repeatable or comma-separated flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*s = append(*s, p)
		}
	}
	return nil
}

// Defaults of the operator's own marks. They differ from the library's
// (AKO's: l4.GatewayControllerName and aviobj.CreatedBy), so the operator
// and AKO deployed side by side never claim each other's objects.
const (
	// defaultGatewayController is the GatewayClass controllerName served
	// unless --gateway-controller says otherwise.
	defaultGatewayController = "avil4.io/l4-gateway"
	// defaultLoadBalancerClass is the spec.loadBalancerClass served unless
	// --load-balancer-class says otherwise (AKO's is l4.LoadBalancerClass).
	defaultLoadBalancerClass = "avil4.io/l4-lb"
	// createdByPrefix prefixes the cluster name in the default created_by
	// mark ("avil4-<cluster>"; AKO's is "ako-<cluster>").
	createdByPrefix = "avil4-"
)

// Metrics addresses: plain HTTP on loopback by default (only a sidecar or
// kubectl port-forward can scrape it), HTTPS on every interface with
// --metrics-secure (authenticated and authorised by the API server).
const (
	defaultMetricsAddr       = "127.0.0.1:8080"
	defaultSecureMetricsAddr = ":8443"
)

// gatewayControllerPattern is the pattern Gateway API puts on a
// GatewayClass spec.controllerName (a domain-prefixed path).
var gatewayControllerPattern = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$`)

// flags holds every command-line setting.
type flags struct {
	opts                            l4.Options
	license, mode, family, autoFQDN string
	defaultLB                       bool
	vipNetwork, vipCIDR, vipV6CIDR  string
	nodeNetwork                     string
	nodeCIDRs, bgpLabels            stringList
	controllerURL, username, pwFile string
	caFile, version                 string
	insecure, insecureHTTP          bool
	fake, local                     bool
	gatewayCRDs                     string
	kubeconfig                      string
	metricsAddr, probeAddr          string
	metricsSecure                   bool
	leaderElect                     bool
	leaderElectionNamespace         string
	retryInvalid                    time.Duration
	resyncPeriod, maxBackoff        time.Duration
	devLogs                         bool
	zap                             zap.Options
	concurrency                     int
}

// parseFlags reads the command line; usage and parse errors go to out. It
// returns flag.ErrHelp for -h and --help.
func parseFlags(args []string, out io.Writer) (*flags, error) {
	var f flags
	fs := flag.NewFlagSet("controller", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: controller [flags]\n\navil4's example operator: programs an Avi controller for LoadBalancer Services and Gateways.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// Translation options (l4.Options).
	fs.StringVar(&f.opts.ClusterName, "cluster", "cluster", "cluster name: prefix of every Avi object name and the ownership mark")
	fs.StringVar(&f.opts.Tenant, "tenant", l4.DefaultTenant, "Avi tenant (a Namespace's ako.vmware.com/tenant-name annotation overrides it)")
	fs.StringVar(&f.opts.Cloud, "cloud", l4.DefaultCloud, "Avi cloud")
	fs.StringVar(&f.opts.SEGroup, "se-group", l4.DefaultSEGroup, "service engine group")
	fs.StringVar(&f.opts.VRF, "vrf", l4.DefaultVRF, "VRF context")
	fs.StringVar(&f.license, "license", string(profiles.LicenseEnterprise), "licence tier: ENTERPRISE|ENTERPRISE_WITH_CLOUD_SERVICES|ESSENTIALS|BASIC")
	fs.StringVar(&f.mode, "mode", string(l4.BackendClusterIP), "backend mode: ClusterIP|NodePort|NodePortLocal (NodePort needs the config/rbac/nodeport RBAC, NodePortLocal config/rbac/nodeportlocal)")
	fs.BoolVar(&f.defaultLB, "default-lb-controller", true, "program Services without spec.loadBalancerClass (set false when AKO is the default load balancer)")
	fs.StringVar(&f.vipNetwork, "vip-network", "", "network VIPs are allocated from")
	fs.StringVar(&f.vipCIDR, "vip-cidr", "", "IPv4 subnet of the VIP network")
	fs.StringVar(&f.vipV6CIDR, "vip-v6cidr", "", "IPv6 subnet of the VIP network")
	fs.StringVar(&f.nodeNetwork, "node-network", "", "network through which service engines reach nodes")
	fs.Var(&f.nodeCIDRs, "node-cidr", "subnet of the node network (repeatable)")
	fs.StringVar(&f.family, "ip-family", "", "VIP family V4|V6|V4_V6; empty follows each Service's spec.ipFamilies")
	fs.StringVar(&f.opts.T1LR, "t1lr", "", "NSX-T tier-1 logical router (replaces the VRF)")
	fs.BoolVar(&f.opts.EnableRHI, "enable-rhi", false, "advertise VIPs with route health injection")
	fs.Var(&f.bgpLabels, "bgp-peer-label", "BGP peer label (repeatable; needs --enable-rhi)")
	fs.StringVar(&f.autoFQDN, "auto-fqdn", "disabled", "automatic FQDNs: default|flat|disabled")
	fs.StringVar(&f.opts.FQDNSubdomain, "fqdn-subdomain", "", "DNS domain of automatic FQDNs")
	fs.BoolVar(&f.opts.HealthzMonitor, "healthz-monitor", false, "NodePort mode: check externalTrafficPolicy Local nodes with HTTP /healthz")
	fs.StringVar(&f.opts.GatewayController, "gateway-controller", defaultGatewayController, "GatewayClass controllerName served (AKO's is "+l4.GatewayControllerName+")")
	fs.StringVar(&f.opts.LoadBalancerClass, "load-balancer-class", defaultLoadBalancerClass, "spec.loadBalancerClass served (AKO's is "+l4.LoadBalancerClass+"); Services without a class are served as --default-lb-controller says")
	fs.StringVar(&f.opts.CreatedBy, "created-by", "", "created_by ownership mark of the Avi objects (default \""+createdByPrefix+"<cluster>\"; AKO's is \"ako-<cluster>\")")
	// The Avi controller.
	fs.StringVar(&f.controllerURL, "avi-controller", "", "Avi controller URL, e.g. https://avi.example.com")
	fs.StringVar(&f.username, "avi-username", "", "Avi user")
	fs.StringVar(&f.pwFile, "avi-password-file", "", "file holding the Avi password (read at every login; never logged)")
	fs.StringVar(&f.caFile, "avi-ca-file", "", "PEM CA bundle for the controller's certificate (default: system roots)")
	fs.BoolVar(&f.insecure, "avi-insecure-skip-verify", false, "do not verify the controller's certificate (labs only)")
	fs.BoolVar(&f.insecureHTTP, "avi-insecure-http", false, "INSECURE: allow an http:// --avi-controller, sending the password and session cookies in clear text (tests on loopback only)")
	fs.StringVar(&f.version, "avi-version", "", "X-Avi-Version to send (default: the controller's own)")
	fs.BoolVar(&f.fake, "fake-controller", false, "run against an embedded fake Avi controller (no Avi needed)")
	fs.IntVar(&f.concurrency, "apply-concurrency", 4, "Sets applied at once during bulk operations")
	// The Kubernetes API server.
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, else the in-cluster config, else ~/.kube/config)")
	fs.BoolVar(&f.local, "local-apiserver", false, "start a throw-away kube-apiserver and etcd (envtest binaries: $KUBEBUILDER_ASSETS or the hack/envtest/ensure.sh cache) instead of using a kubeconfig")
	fs.StringVar(&f.gatewayCRDs, "gateway-crds", "", "with --local-apiserver: folder or file of Gateway API CRDs to install (default: the gateway-api "+gatewayAPIVersion()+" module's config/crd/standard in the Go module cache, if there; without them Gateways are not served)")
	// The manager.
	fs.StringVar(&f.metricsAddr, "metrics-bind-address", "", "metrics endpoint address (default "+defaultMetricsAddr+", or "+defaultSecureMetricsAddr+" with --metrics-secure; 0 disables)")
	fs.BoolVar(&f.metricsSecure, "metrics-secure", false, "serve metrics over HTTPS, authenticating and authorising each scrape with the API server (needs the config/metrics RBAC)")
	fs.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "health and readiness probe address")
	fs.BoolVar(&f.leaderElect, "leader-elect", false, "elect a leader so only one replica writes (the lease is released on shutdown)")
	fs.StringVar(&f.leaderElectionNamespace, "leader-election-namespace", "", "namespace of the leader-election Lease")
	fs.DurationVar(&f.retryInvalid, "retry-invalid-after", 10*time.Minute, "how long before an unservable spec is looked at again without a change")
	fs.DurationVar(&f.resyncPeriod, "resync-period", 5*time.Minute, "how often every programmed Set is compared with the Avi controller and repaired (0 disables)")
	fs.DurationVar(&f.maxBackoff, "max-backoff", 30*time.Second, "longest per-object retry delay after a failure (0 keeps controller-runtime's default, which grows to 1000s)")
	// Logging.
	fs.BoolVar(&f.devLogs, "dev-logs", false, "human-readable development logs (same as --zap-devel)")
	f.zap.BindFlags(fs)
	printVersion := fs.Bool("version", false, "print the module path, version and VCS revision this command was built from, and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *printVersion {
		fmt.Fprintln(out, version.String("controller"))
		return nil, flag.ErrHelp // exit 0 without running, as -h does
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags only)", fs.Arg(0))
	}
	if f.devLogs {
		f.zap.Development = true
	}
	f.opts.License = profiles.License(f.license)
	f.opts.BackendMode = l4.BackendMode(f.mode)
	f.opts.IPFamily = l4.IPFamily(f.family)
	f.opts.AutoFQDN = l4.AutoFQDN(f.autoFQDN)
	f.opts.DefaultLBController = &f.defaultLB
	f.opts.BGPPeerLabels = f.bgpLabels
	if f.vipNetwork != "" {
		f.opts.VIPNetworks = []l4.VIPNetwork{{NetworkName: f.vipNetwork, CIDR: f.vipCIDR, V6CIDR: f.vipV6CIDR}}
	}
	if f.nodeNetwork != "" {
		f.opts.NodeNetworks = []l4.NodeNetwork{{NetworkName: f.nodeNetwork, CIDRs: f.nodeCIDRs}}
	}
	if f.opts.CreatedBy == "" {
		f.opts.CreatedBy = createdByPrefix + f.opts.ClusterName
	}
	if f.metricsAddr == "" {
		f.metricsAddr = defaultMetricsAddr
		if f.metricsSecure {
			f.metricsAddr = defaultSecureMetricsAddr
		}
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// validate checks what the flags cannot type-check.
func (f *flags) validate() error {
	var errs []error
	for _, e := range f.opts.Validate() {
		errs = append(errs, e)
	}
	// created_by is compared exactly and sent in list filters: keep it to
	// the characters of a cluster name, as "ako-<cluster>" is.
	if !aviobj.IsValidClusterName(f.opts.CreatedBy) {
		errs = append(errs, fmt.Errorf("--created-by %q: must consist of letters, digits, '-' and '_' (at most %d)", f.opts.CreatedBy, aviobj.MaxNameLength))
	}
	if c := f.opts.GatewayController; len(c) > 253 || !gatewayControllerPattern.MatchString(c) {
		errs = append(errs, fmt.Errorf("--gateway-controller %q: must be a domain-prefixed path such as %q (at most 253 characters)", c, defaultGatewayController))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"--retry-invalid-after", f.retryInvalid}, {"--resync-period", f.resyncPeriod}, {"--max-backoff", f.maxBackoff}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %v: must not be negative", d.name, d.v))
		}
	}
	if f.concurrency < 0 {
		errs = append(errs, fmt.Errorf("--apply-concurrency %d: must not be negative (0 means apply.DefaultConcurrency)", f.concurrency))
	}
	if f.gatewayCRDs != "" && !f.local {
		errs = append(errs, errors.New("--gateway-crds is only used with --local-apiserver (on a cluster, install the CRDs with kubectl)"))
	}
	if f.local && f.kubeconfig != "" {
		errs = append(errs, errors.New("--kubeconfig and --local-apiserver exclude each other"))
	}
	if !f.fake && (f.controllerURL == "" || f.username == "" || f.pwFile == "") {
		errs = append(errs, errors.New("set --avi-controller, --avi-username and --avi-password-file, or --fake-controller"))
	}
	return errors.Join(errs...)
}

// aviClient connects to the Avi controller (or the embedded fake), counting
// every request in the metrics.
func aviClient(f *flags, m *reconciler.Metrics, log logr.Logger) (*client.Client, func(), error) {
	if f.fake {
		opts := []avitest.Option{avitest.WithVIPRange("10.50.0.0/24"), avitest.WithVIPRange("2001:db8:50::/64")}
		if g := f.opts.SEGroup; g != "" && g != l4.DefaultSEGroup {
			opts = append(opts, avitest.WithSEGroups(g))
		}
		if f.vipNetwork != "" {
			cidr := f.vipCIDR
			if cidr == "" {
				cidr = "10.60.0.0/24"
			}
			opts = append(opts, avitest.WithNetwork(f.vipNetwork, cidr))
		}
		fake := avitest.New(opts...)
		log.Info("running against an embedded fake Avi controller", "url", fake.URL())
		c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
			HTTPClient: &http.Client{Transport: m.Transport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: fake.CertPool()}})},
			Logger:     log.WithName("avi")})
		return c, fake.Close, err
	}
	tlsConfig := &tls.Config{InsecureSkipVerify: f.insecure} //nolint:gosec // explicit opt-in flag
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("%s holds no PEM certificate", f.caFile)
		}
		tlsConfig.RootCAs = pool
	}
	pwFile := f.pwFile
	c, err := client.New(client.Options{
		URL: f.controllerURL, Username: f.username, Version: f.version, Tenant: f.opts.Tenant,
		AllowInsecureHTTP: f.insecureHTTP,
		PasswordFunc: func(context.Context) (client.Password, error) {
			b, err := os.ReadFile(pwFile)
			if err != nil {
				return "", fmt.Errorf("reading the password file: %w", err)
			}
			return client.Password(strings.TrimSpace(string(b))), nil
		},
		HTTPClient: &http.Client{Transport: m.Transport(&http.Transport{TLSClientConfig: tlsConfig, Proxy: http.ProxyFromEnvironment})},
		Logger:     log.WithName("avi"),
	})
	return c, func() {}, err
}

// run parses args and runs the operator until ctx ends. Logs, and the
// usage for -h, go to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	f, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	f.zap.DestWriter = out
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&f.zap)))
	log := ctrl.Log.WithName("avil4")

	var restCfg *rest.Config
	if f.local {
		env, err := localAPIServer(f.gatewayCRDs, log)
		if err != nil {
			return err
		}
		defer env.stop()
		restCfg = env.cfg
		fmt.Fprintf(out, "local kube-apiserver ready; in another shell: export KUBECONFIG=%s\n", env.kubeconfig)
	} else if restCfg, err = restConfig(f.kubeconfig); err != nil {
		return fmt.Errorf("reading the kubeconfig: %w", err)
	}
	mgr, err := ctrl.NewManager(restCfg, managerOptions(f))
	if err != nil {
		return fmt.Errorf("creating the manager: %w", err)
	}
	m := reconciler.NewMetrics(metrics.Registry)
	c, closeAvi, err := aviClient(f, m, log)
	if err != nil {
		return err
	}
	defer closeAvi()
	// AviInfraSettings are read when their CRD (AKO's, or config/crd's
	// stand-in) is installed.
	_, mapErr := mgr.GetRESTMapper().RESTMapping(reconciler.AviInfraSettingGVK.GroupKind(), reconciler.AviInfraSettingGVK.Version)
	infraSettings := mapErr == nil
	log.Info("AviInfraSettings", "read", infraSettings)
	cfg := &reconciler.Config{
		InfraSettings: infraSettings,
		Client:        mgr.GetClient(),
		Options:       f.opts,
		Applier:       apply.New(c, apply.Options{Logger: log.WithName("apply"), Concurrency: f.concurrency}),
		Recorder:      mgr.GetEventRecorder("avil4"),
		Metrics:       m,
		RetryInvalid:  f.retryInvalid,
		ResyncPeriod:  f.resyncPeriod,
		MaxBackoff:    f.maxBackoff,
	}
	if err := reconciler.Setup(mgr, cfg); err != nil {
		return fmt.Errorf("setting up the reconcilers: %w", err)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return err
	}
	log.Info("starting", "cluster", f.opts.ClusterName, "createdBy", f.opts.CreatedBy, "gatewayController", f.opts.GatewayController,
		"mode", f.opts.BackendMode, "fake", f.fake, "metrics", f.metricsAddr, "metricsSecure", f.metricsSecure)
	// Nothing but the deferred clean-ups runs after Start returns, as
	// LeaderElectionReleaseOnCancel requires.
	return mgr.Start(ctx)
}

// restConfig reads the kubeconfig file named by --kubeconfig, or without
// it follows controller-runtime's rules ($KUBECONFIG, the in-cluster
// config, ~/.kube/config). The operator's flags live in their own FlagSet,
// so controller-runtime's global --kubeconfig flag is never parsed.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		return ctrl.GetConfig()
	}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig}, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, err
	}
	if cfg.QPS == 0 {
		cfg.QPS = -1 // as ctrl.GetConfig: no client-side limit, API priority and fairness apply
	}
	return cfg, nil
}

// managerOptions are the manager's settings. The leader releases its Lease
// when it stops (LeaderElectionReleaseOnCancel), so a rolling update hands
// over at once instead of after the lease duration; that is safe because
// run returns, and the process ends, as soon as the manager has stopped.
func managerOptions(f *flags) ctrl.Options {
	ms := metricsserver.Options{BindAddress: f.metricsAddr}
	if f.metricsSecure {
		// HTTPS with a self-signed certificate; every scrape's bearer token is
		// checked with a TokenReview and a SubjectAccessReview (get on the
		// /metrics non-resource URL).
		ms.SecureServing = true
		ms.FilterProvider = filters.WithAuthenticationAndAuthorization
		// HTTP/1.1 only, as the ecosystem's scaffolds default to: HTTP/2
		// exposes the server to stream-reset floods (CVE-2023-44487).
		ms.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	}
	return ctrl.Options{
		Scheme:                        reconciler.Scheme(),
		Metrics:                       ms,
		HealthProbeBindAddress:        f.probeAddr,
		LeaderElection:                f.leaderElect,
		LeaderElectionID:              "avil4-controller.avil4.io",
		LeaderElectionNamespace:       f.leaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
	}
}

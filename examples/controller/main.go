package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

func main() {
	if err := run(); err != nil {
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
	metricsAddr, probeAddr          string
	leaderElect                     bool
	leaderElectionNamespace         string
	retryInvalid                    time.Duration
	devLogs                         bool
	concurrency                     int
}

func parseFlags(args []string) (*flags, error) {
	var f flags
	fs := flag.NewFlagSet("controller", flag.ContinueOnError)
	// Translation options (l4.Options).
	fs.StringVar(&f.opts.ClusterName, "cluster", "cluster", "cluster name: prefix of every Avi object name and the ownership mark")
	fs.StringVar(&f.opts.Tenant, "tenant", l4.DefaultTenant, "Avi tenant (a Namespace's ako.vmware.com/tenant-name annotation overrides it)")
	fs.StringVar(&f.opts.Cloud, "cloud", l4.DefaultCloud, "Avi cloud")
	fs.StringVar(&f.opts.SEGroup, "se-group", l4.DefaultSEGroup, "service engine group")
	fs.StringVar(&f.opts.VRF, "vrf", l4.DefaultVRF, "VRF context")
	fs.StringVar(&f.license, "license", string(profiles.LicenseEnterprise), "licence tier: ENTERPRISE|ENTERPRISE_WITH_CLOUD_SERVICES|ESSENTIALS|BASIC")
	fs.StringVar(&f.mode, "mode", string(l4.BackendClusterIP), "backend mode: ClusterIP|NodePort|NodePortLocal")
	fs.BoolVar(&f.defaultLB, "default-lb-controller", true, "program Services without spec.loadBalancerClass")
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
	fs.StringVar(&f.opts.GatewayController, "gateway-controller", l4.GatewayControllerName, "GatewayClass controllerName served")
	// The Avi controller.
	fs.StringVar(&f.controllerURL, "avi-controller", "", "Avi controller URL, e.g. https://avi.example.com")
	fs.StringVar(&f.username, "avi-username", "", "Avi user")
	fs.StringVar(&f.pwFile, "avi-password-file", "", "file holding the Avi password (read at every login; never logged)")
	fs.StringVar(&f.caFile, "avi-ca-file", "", "PEM CA bundle for the controller's certificate (default: system roots)")
	fs.BoolVar(&f.insecure, "avi-insecure-skip-verify", false, "do not verify the controller's certificate (labs only)")
	fs.BoolVar(&f.insecureHTTP, "avi-insecure-http", false, "INSECURE: allow an http:// --avi-controller, sending the password and session cookies in clear text (tests on loopback only)")
	fs.StringVar(&f.version, "avi-version", "", "X-Avi-Version to send (default: the controller's own)")
	fs.BoolVar(&f.fake, "fake-controller", false, "run against an embedded fake Avi controller (no Avi needed)")
	fs.BoolVar(&f.local, "local-apiserver", false, "start a throw-away kube-apiserver and etcd (envtest binaries) instead of using a kubeconfig")
	fs.IntVar(&f.concurrency, "apply-concurrency", 4, "Sets applied at once during bulk operations")
	// The manager.
	fs.StringVar(&f.metricsAddr, "metrics-bind-address", ":8080", "metrics endpoint address (0 disables)")
	fs.StringVar(&f.probeAddr, "health-probe-bind-address", ":8081", "health and readiness probe address")
	fs.BoolVar(&f.leaderElect, "leader-elect", false, "elect a leader so only one replica writes")
	fs.StringVar(&f.leaderElectionNamespace, "leader-election-namespace", "", "namespace of the leader-election Lease")
	fs.BoolVar(&f.devLogs, "dev-logs", false, "human-readable development logs")
	fs.DurationVar(&f.retryInvalid, "retry-invalid-after", 10*time.Minute, "how long before an unservable spec is looked at again without a change")
	if err := fs.Parse(args); err != nil {
		return nil, err
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
	if errs := f.opts.Validate(); len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	if !f.fake && (f.controllerURL == "" || f.username == "" || f.pwFile == "") {
		return nil, errors.New("set --avi-controller, --avi-username and --avi-password-file, or --fake-controller")
	}
	return &f, nil
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

func run() error {
	f, err := parseFlags(os.Args[1:])
	if err != nil {
		return err
	}
	ctrl.SetLogger(zap.New(zap.UseDevMode(f.devLogs)))
	log := ctrl.Log.WithName("avil4")

	var restCfg *rest.Config
	if f.local {
		var kubeconfig string
		var stop func()
		restCfg, kubeconfig, stop, err = localAPIServer()
		if err != nil {
			return err
		}
		defer stop()
		fmt.Fprintf(os.Stderr, "local kube-apiserver ready; in another shell: export KUBECONFIG=%s\n", kubeconfig)
	} else if restCfg, err = ctrl.GetConfig(); err != nil {
		return fmt.Errorf("reading the kubeconfig: %w", err)
	}
	mgr, err := ctrl.NewManager(restCfg, ctrl.Options{
		Scheme:                  reconciler.Scheme(),
		Metrics:                 metricsserver.Options{BindAddress: f.metricsAddr},
		HealthProbeBindAddress:  f.probeAddr,
		LeaderElection:          f.leaderElect,
		LeaderElectionID:        "avil4-controller.avil4.io",
		LeaderElectionNamespace: f.leaderElectionNamespace,
	})
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
	log.Info("starting", "cluster", f.opts.ClusterName, "mode", f.opts.BackendMode, "fake", f.fake)
	return mgr.Start(ctrl.SetupSignalHandler())
}

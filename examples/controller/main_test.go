package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zapcore"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

func TestParseFlags(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		check   func(*flags) error
	}{
		{name: "fake controller needs nothing else", args: []string{"--fake-controller"}},
		{name: "a real controller needs credentials", args: []string{"--avi-controller", "https://avi"}, wantErr: "--avi-username"},
		{name: "options are validated", args: []string{"--fake-controller", "--mode", "HostPort"}, wantErr: `options.backendMode: Unsupported value: "HostPort"`},
		{name: "BGP labels need RHI", args: []string{"--fake-controller", "--bgp-peer-label", "a,b"}, wantErr: "options.bgpPeerLabels"},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "flag provided but not defined"},
		{name: "positional arguments are refused", args: []string{"--fake-controller", "extra"}, wantErr: `unexpected argument "extra"`},
		{name: "every problem is reported", args: []string{"--mode", "HostPort", "--resync-period", "-1s"}, wantErr: "--resync-period -1s: must not be negative"},
		{name: "the operator's own marks by default", args: []string{"--fake-controller", "--cluster", "east"}, check: func(f *flags) error {
			return want(f.opts.CreatedBy == "avil4-east" && f.opts.GatewayController == "avil4.io/l4-gateway" && f.opts.LoadBalancerClass == "avil4.io/l4-lb",
				"created_by %q, controllerName %q, class %q", f.opts.CreatedBy, f.opts.GatewayController, f.opts.LoadBalancerClass)
		}},
		{name: "AKO's marks on purpose", args: []string{"--fake-controller", "--cluster", "east", "--created-by", "ako-east", "--gateway-controller", "ako.vmware.com/avi-lb", "--load-balancer-class", "ako.vmware.com/avi-lb"}, check: func(f *flags) error {
			return want(f.opts.CreatedBy == "ako-east" && f.opts.GatewayController == l4.GatewayControllerName && f.opts.LoadBalancerClass == l4.LoadBalancerClass,
				"created_by %q, controllerName %q, class %q", f.opts.CreatedBy, f.opts.GatewayController, f.opts.LoadBalancerClass)
		}},
		{name: "created_by keeps to cluster-name characters", args: []string{"--fake-controller", "--created-by", "me and you"}, wantErr: `--created-by "me and you"`},
		{name: "the class must be a domain-prefixed path", args: []string{"--fake-controller", "--load-balancer-class", "lb"}, wantErr: "options.loadBalancerClass"},
		{name: "controllerName must be a domain-prefixed path", args: []string{"--fake-controller", "--gateway-controller", "avi-lb"}, wantErr: `--gateway-controller "avi-lb"`},
		{name: "resync and backoff defaults", args: []string{"--fake-controller"}, check: func(f *flags) error {
			return want(f.resyncPeriod == 5*time.Minute && f.maxBackoff == 30*time.Second, "resync %v, max backoff %v", f.resyncPeriod, f.maxBackoff)
		}},
		{name: "resync and backoff set, zero allowed", args: []string{"--fake-controller", "--resync-period", "0", "--max-backoff", "1m"}, check: func(f *flags) error {
			return want(f.resyncPeriod == 0 && f.maxBackoff == time.Minute, "resync %v, max backoff %v", f.resyncPeriod, f.maxBackoff)
		}},
		{name: "negative resync refused", args: []string{"--fake-controller", "--resync-period", "-5m"}, wantErr: "--resync-period -5m0s: must not be negative"},
		{name: "negative backoff refused", args: []string{"--fake-controller", "--max-backoff", "-1s"}, wantErr: "--max-backoff -1s: must not be negative"},
		{name: "negative retry refused", args: []string{"--fake-controller", "--retry-invalid-after", "-1s"}, wantErr: "--retry-invalid-after -1s"},
		{name: "kubeconfig accepted", args: []string{"--fake-controller", "--kubeconfig", kubeconfig}, check: func(f *flags) error {
			return want(f.kubeconfig == kubeconfig, "kubeconfig %q", f.kubeconfig)
		}},
		{name: "kubeconfig and local API server exclude each other", args: []string{"--fake-controller", "--kubeconfig", kubeconfig, "--local-apiserver"}, wantErr: "exclude each other"},
		{name: "gateway CRDs only with the local API server", args: []string{"--fake-controller", "--gateway-crds", "/x"}, wantErr: "--gateway-crds is only used with --local-apiserver"},
		{name: "metrics on loopback by default", args: []string{"--fake-controller"}, check: func(f *flags) error {
			return want(f.metricsAddr == "127.0.0.1:8080" && !f.metricsSecure, "metrics %q secure %v", f.metricsAddr, f.metricsSecure)
		}},
		{name: "secure metrics on every interface", args: []string{"--fake-controller", "--metrics-secure"}, check: func(f *flags) error {
			return want(f.metricsAddr == ":8443", "metrics %q", f.metricsAddr)
		}},
		{name: "metrics address kept when given", args: []string{"--fake-controller", "--metrics-secure", "--metrics-bind-address", ":9443"}, check: func(f *flags) error {
			return want(f.metricsAddr == ":9443", "metrics %q", f.metricsAddr)
		}},
		{name: "log level flags", args: []string{"--fake-controller", "--zap-log-level", "debug", "--zap-encoder", "console"}, check: func(f *flags) error {
			return want(f.zap.Level != nil && f.zap.Level.Enabled(zapcore.DebugLevel), "level %v", f.zap.Level)
		}},
		{name: "bad log level refused", args: []string{"--fake-controller", "--zap-log-level", "loud"}, wantErr: "zap-log-level"},
		{name: "dev-logs is zap-devel", args: []string{"--fake-controller", "--dev-logs"}, check: func(f *flags) error {
			return want(f.zap.Development, "development %v", f.zap.Development)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFlags(tc.args, io.Discard)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			case tc.wantErr == "" && (f.opts.ClusterName == "" || f.opts.DefaultLBController == nil || !*f.opts.DefaultLBController):
				t.Fatalf("defaults not applied: %+v", f.opts)
			}
			if tc.check != nil && err == nil {
				if err := tc.check(f); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// want returns nil when ok, else an error made of format and args.
func want(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// TestHelp: -h and --help print the usage and return flag.ErrHelp, which
// main turns into exit status 0.
func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		t.Run(arg, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), []string{arg}, &out)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("run(%s) = %v, want flag.ErrHelp", arg, err)
			}
			for _, s := range []string{"Usage: controller", "--kubeconfig", "--created-by", "--resync-period", "--max-backoff", "--zap-log-level", "--metrics-secure", "--gateway-crds"} {
				if !strings.Contains(out.String(), strings.TrimLeft(s, "-")) {
					t.Errorf("usage lacks %s:\n%s", s, out.String())
				}
			}
		})
	}
}

// TestVersion: --version prints the operator's module and version, then the
// library module it was built with, and exits 0.
func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run(--version) = %v, want flag.ErrHelp (exit 0)", err)
	}
	if got := out.String(); !strings.HasPrefix(got, "controller github.com/avil4/avil4/examples/controller ") || !strings.Contains(got, " with github.com/avil4/avil4 ") {
		t.Errorf("--version printed %q", got)
	}
}

// TestHelpExitsZero runs the real main as a subprocess (the test binary
// re-executed), so the exit status of -h is the one a user sees.
func TestHelpExitsZero(t *testing.T) {
	if os.Getenv("AVIL4_RUN_MAIN") == "1" {
		os.Args = append([]string{"controller"}, strings.Fields(os.Getenv("AVIL4_MAIN_ARGS"))...)
		main()
		os.Exit(0)
	}
	for _, tc := range []struct {
		args string
		code int
	}{{"-h", 0}, {"--help", 0}, {"--version", 0}, {"--nope", 1}} {
		t.Run(tc.args, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelpExitsZero$")
			cmd.Env = append(os.Environ(), "AVIL4_RUN_MAIN=1", "AVIL4_MAIN_ARGS="+tc.args)
			out, err := cmd.CombinedOutput()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Fatalf("controller %s exited %d, want %d:\n%s", tc.args, code, tc.code, out)
			}
		})
	}
}

// TestKubeconfigFlag: --kubeconfig is read instead of $KUBECONFIG.
func TestKubeconfigFlag(t *testing.T) {
	dir := t.TempDir()
	write := func(name, server string) string {
		kc := clientcmdapi.NewConfig()
		kc.Clusters["c"] = &clientcmdapi.Cluster{Server: server}
		kc.AuthInfos["u"] = &clientcmdapi.AuthInfo{Token: "t"}
		kc.Contexts["c"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
		kc.CurrentContext = "c"
		p := filepath.Join(dir, name)
		if err := clientcmd.WriteToFile(*kc, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Setenv("KUBECONFIG", write("env", "https://from-env.example:6443"))
	flagFile := write("flag", "https://from-flag.example:6443")
	for _, tc := range []struct {
		name, kubeconfig, wantHost string
	}{
		{"flag wins", flagFile, "https://from-flag.example:6443"},
		{"KUBECONFIG without the flag", "", "https://from-env.example:6443"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := restConfig(tc.kubeconfig)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.wantHost || cfg.QPS >= 0 {
				t.Fatalf("host %q QPS %v, want %q and no client-side limit", cfg.Host, cfg.QPS, tc.wantHost)
			}
		})
	}
	if _, err := restConfig(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing --kubeconfig file was accepted")
	}
}

// TestManagerOptions: the leader lease is released on shutdown, and secure
// metrics use controller-runtime's authentication and authorisation filter.
func TestManagerOptions(t *testing.T) {
	f, err := parseFlags([]string{"--fake-controller", "--leader-elect", "--metrics-secure"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := managerOptions(f)
	if !o.LeaderElection || !o.LeaderElectionReleaseOnCancel {
		t.Errorf("LeaderElection %v, ReleaseOnCancel %v; want both", o.LeaderElection, o.LeaderElectionReleaseOnCancel)
	}
	if !o.Metrics.SecureServing || o.Metrics.FilterProvider == nil || o.Metrics.BindAddress != ":8443" {
		t.Errorf("metrics %+v: want secure serving with a filter on :8443", o.Metrics)
	}
	f, err = parseFlags([]string{"--fake-controller"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o := managerOptions(f); o.Metrics.SecureServing || o.Metrics.FilterProvider != nil || o.Metrics.BindAddress != "127.0.0.1:8080" {
		t.Errorf("default metrics %+v: want plain HTTP on loopback", o.Metrics)
	}
}

// TestGatewayAPIVersion: the CRD version looked for follows the operator's
// go.mod (the library's go.mod names the same version, so the workspace and
// a GOWORK=off build agree), and the fallback constant (and the README's
// install command) agree with it.
func TestGatewayAPIVersion(t *testing.T) {
	modVersion := requiredVersion(t, "go.mod", gatewayAPIModule)
	if lib := requiredVersion(t, "../../go.mod", gatewayAPIModule); lib != modVersion {
		t.Errorf("../../go.mod (the library) has %s %s, go.mod (the operator) has %s", gatewayAPIModule, lib, modVersion)
	}
	if modVersion != gatewayAPIFallbackVersion {
		t.Errorf("go.mod has %s %s, gatewayAPIFallbackVersion is %s", gatewayAPIModule, modVersion, gatewayAPIFallbackVersion)
	}
	if v := gatewayAPIVersion(); v != modVersion {
		t.Errorf("gatewayAPIVersion() = %s, go.mod has %s", v, modVersion)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Skipf("README.md not found: %v", err)
	}
	if url := "gateway-api/releases/download/" + modVersion + "/standard-install.yaml"; !strings.Contains(string(readme), url) {
		t.Errorf("README.md does not name %s", url)
	}
}

// requiredVersion is the version of module that the go.mod file at path
// requires ("" when it does not); the test skips when the file is missing.
func requiredVersion(t *testing.T, path, module string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s not found: %v", path, err)
	}
	var v string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == module {
			v = f[1]
		}
	}
	return v
}

// TestGatewayCRDsLookup: --gateway-crds must exist; without it the module
// cache is searched and, when the CRDs are not there, the places looked in
// are returned (the operator then starts without Gateways).
func TestGatewayCRDsLookup(t *testing.T) {
	if _, _, err := gatewayCRDs(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing --gateway-crds was accepted")
	}
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOPATH", "")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("PATH", "") // no go toolchain to ask
	d, looked, err := gatewayCRDs("")
	if err != nil || d != "" || len(looked) == 0 || !strings.HasPrefix(looked[0], cache) {
		t.Fatalf("empty cache: %q, %v, %v; want nothing found and the places looked in", d, looked, err)
	}
	want := filepath.Join(cache, "sigs.k8s.io", "gateway-api@"+gatewayAPIVersion(), "config", "crd", "standard")
	if err := os.MkdirAll(want, 0o755); err != nil {
		t.Fatal(err)
	}
	if d, _, err := gatewayCRDs(""); err != nil || d != want {
		t.Fatalf("gatewayCRDs() = %q, %v; want %q", d, err, want)
	}
}

// TestEnvtestAssetsLookup: KUBEBUILDER_ASSETS must hold both binaries, and
// the error without any says what is needed.
func TestEnvtestAssetsLookup(t *testing.T) {
	t.Setenv("KUBEBUILDER_ASSETS", t.TempDir())
	if _, err := envtestAssets(); err == nil || !strings.Contains(err.Error(), "does not hold both kube-apiserver and etcd") {
		t.Errorf("empty KUBEBUILDER_ASSETS: %v", err)
	}
	t.Setenv("KUBEBUILDER_ASSETS", "")
	t.Setenv("ENVTEST_ASSETS_CACHE", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	if _, err := envtestAssets(); err == nil || !strings.Contains(err.Error(), "set KUBEBUILDER_ASSETS") {
		t.Errorf("no binaries anywhere: %v", err)
	}
	dir := filepath.Join(os.Getenv("ENVTEST_ASSETS_CACHE"), "k8s-v1.0.0_etcd-v3.0.0_"+runtime.GOOS+"-"+runtime.GOARCH)
	for _, b := range []string{"kube-apiserver", "etcd"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, b), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := envtestAssets(); err != nil || got != dir {
		t.Errorf("envtestAssets() = %q, %v; want %q", got, err, dir)
	}
}

// TestInsecureHTTPFlag: an http:// --avi-controller is refused unless
// --avi-insecure-http is given.
func TestInsecureHTTPFlag(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--avi-controller", "http://127.0.0.1:1", "--avi-username", "admin", "--avi-password-file", pw}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr error
	}{
		{"http-refused", base, client.ErrInsecureURL},
		{"http-opted-in", append(append([]string(nil), base...), "--avi-insecure-http"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFlags(tc.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			c, closeAvi, err := aviClient(f, reconciler.NewMetrics(prometheus.NewRegistry()), logr.Discard())
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) || (err == nil) != (c != nil) {
				t.Fatalf("aviClient = %v, %v; want %v", c, err, tc.wantErr)
			}
			if closeAvi != nil {
				closeAvi()
			}
		})
	}
}

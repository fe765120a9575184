package reconciler_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/internal/testskip"
	"github.com/avil4/avil4/l4"
)

// The suite runs the reconcilers against a real kube-apiserver and etcd
// (envtest), impersonating the operator's ServiceAccount bound to the
// ClusterRole of config/rbac, so a verb missing there fails a test.
const serviceAccount = "system:serviceaccount:avil4-system:avil4-controller"

var (
	adminCfg *rest.Config
	admin    ctrlclient.Client
	envErr   string // why the suite cannot run, if it cannot
)

// assetsDir finds the kube-apiserver and etcd binaries: KUBEBUILDER_ASSETS,
// else the cache hack/envtest/ensure.sh fills.
func assetsDir() string {
	if d := os.Getenv("KUBEBUILDER_ASSETS"); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	matches, _ := filepath.Glob(filepath.Join(cache, "avil4", "envtest", "k8s-*_"+runtime.GOOS+"-"+runtime.GOARCH))
	for _, m := range matches {
		if fileExists(filepath.Join(m, "kube-apiserver")) && fileExists(filepath.Join(m, "etcd")) {
			return m
		}
	}
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(os.Stderr), zap.Level(zapLevel())))
	assets := assetsDir()
	if assets == "" {
		envErr = "kube-apiserver and etcd not found: run `export KUBEBUILDER_ASSETS=$(hack/envtest/ensure.sh)` from the repository root (it builds them through the Go module proxy in about 3.5 minutes, once)"
		os.Exit(m.Run())
	}
	crds, err := gatewayCRDs()
	if err != nil {
		envErr = err.Error()
		os.Exit(m.Run())
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, CRDDirectoryPaths: []string{crds, "../config/crd"}, ErrorIfCRDPathMissing: true}
	adminCfg, err = env.Start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting envtest: %v\n", err)
		os.Exit(1)
	}
	code := func() int {
		admin, err = ctrlclient.New(adminCfg, ctrlclient.Options{Scheme: reconciler.Scheme()})
		if err == nil {
			err = installRBAC(context.Background())
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "preparing the cluster: %v\n", err)
			return 1
		}
		return m.Run()
	}()
	if err := env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
	}
	os.Exit(code)
}

// zapLevel logs errors only, or everything with AVIL4_TEST_LOGS=1.
func zapLevel() zapcore.Level {
	if os.Getenv("AVIL4_TEST_LOGS") != "" {
		return zapcore.Level(-4)
	}
	return zapcore.ErrorLevel
}

// requireEnv skips a test when envtest cannot run outside CI, and fails it
// in CI (AVIL4_REQUIRE_ENVTEST=1, set by .ci/run), where a missing asset must never pass silently.
func requireEnv(t *testing.T) {
	t.Helper()
	if envErr == "" {
		return
	}
	testskip.Skip(t, testskip.RequireEnvtest, "the envtest suite", envErr)
}

// gatewayCRDs is the standard-channel CRD folder of the gateway-api module
// in the module cache.
func gatewayCRDs() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/gateway-api").Output()
	if err != nil {
		return "", fmt.Errorf("locating the gateway-api module: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "config", "crd", "standard"), nil
}

// installRBAC creates the operator's namespace, ServiceAccount, ClusterRole
// and ClusterRoleBinding from config/.
func installRBAC(ctx context.Context) error {
	objs := []struct {
		file string
		obj  ctrlclient.Object
	}{
		{"../config/namespace.yaml", &corev1.Namespace{}},
		{"../config/rbac/service_account.yaml", &corev1.ServiceAccount{}},
		{"../config/rbac/role.yaml", &rbacv1.ClusterRole{}},
		{"../config/rbac/role_binding.yaml", &rbacv1.ClusterRoleBinding{}},
		// The suite runs every backend mode as one ServiceAccount, so it
		// grants the NodePort and NodePortLocal components' RBAC too
		// (examples/controller/rbac_test.go checks each mode apart).
		{"../config/rbac/nodeport/role.yaml", &rbacv1.ClusterRole{}},
		{"../config/rbac/nodeport/role_binding.yaml", &rbacv1.ClusterRoleBinding{}},
		{"../config/rbac/nodeportlocal/role.yaml", &rbacv1.ClusterRole{}},
		{"../config/rbac/nodeportlocal/role_binding.yaml", &rbacv1.ClusterRoleBinding{}},
	}
	for _, o := range objs {
		data, err := os.ReadFile(o.file)
		if err != nil {
			return err
		}
		if err := yaml.UnmarshalStrict(data, o.obj); err != nil {
			return fmt.Errorf("%s: %w", o.file, err)
		}
		if err := admin.Create(ctx, o.obj); err != nil {
			return fmt.Errorf("creating %s: %w", o.file, err)
		}
	}
	return nil
}

// operator is a running instance of the reconcilers with its fake Avi
// controller.
type operator struct {
	fake *avitest.Server
	cfg  *reconciler.Config
	stop func()
}

// operatorHooks change an operator's settings before it starts: the
// manager's rest.Config, and the reconcilers' Config.
type operatorHooks struct {
	rest   func(*rest.Config)
	config func(*reconciler.Config)
}

// launchSpec is everything launch varies between the suite's operators.
type launchSpec struct {
	// restConfig is the API server to use; nil means the suite's, as the
	// operator's ServiceAccount.
	restConfig *rest.Config
	// namespaces limits the cache to these namespaces (nil: every one).
	namespaces []string
	// infraSettings turns on reading AviInfraSettings (their CRD must be
	// installed).
	infraSettings bool
	hooks         operatorHooks
	// applier and client, when set, wrap what the reconcilers are given
	// (in that order).
	client  func(ctrlclient.Client) ctrlclient.Client
	applier func(reconciler.Applier) reconciler.Applier
}

// startOperator runs the reconcilers as the operator's ServiceAccount
// against fake (a new fake Avi controller when nil) until the test ends or
// stop is called. Its cache holds the namespaced objects of ns only, so the
// tests' operators do not see each other's Services.
func startOperator(t *testing.T, ns string, opts l4.Options, fake *avitest.Server) *operator {
	t.Helper()
	return startOperatorWith(t, ns, opts, fake, operatorHooks{})
}

// startOperatorWith is startOperator with hooks.
func startOperatorWith(t *testing.T, ns string, opts l4.Options, fake *avitest.Server, hooks operatorHooks) *operator {
	t.Helper()
	return launch(t, launchSpec{namespaces: []string{ns}, infraSettings: true, hooks: hooks}, opts, fake)
}

// launch builds a manager and the reconcilers as spec says, starts them and
// stops them when the test ends (or at op.stop).
func launch(t *testing.T, spec launchSpec, opts l4.Options, fake *avitest.Server) *operator {
	t.Helper()
	if fake == nil {
		fake = avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
		t.Cleanup(fake.Close)
	}
	if opts.ClusterName == "" {
		opts.ClusterName = "c1"
	}
	if opts.License == "" {
		opts.License = "ENTERPRISE"
	}
	c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool(), Retry: client.RetryPolicy{MaxAttempts: 2, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	var cfg *rest.Config
	if spec.restConfig == nil {
		cfg = rest.CopyConfig(adminCfg)
		cfg.Impersonate = rest.ImpersonationConfig{UserName: serviceAccount}
	} else {
		cfg = rest.CopyConfig(spec.restConfig)
	}
	if spec.hooks.rest != nil {
		spec.hooks.rest(cfg)
	}
	skip := true
	mo := ctrl.Options{
		Scheme:                 reconciler.Scheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             ctrlconfig.Controller{SkipNameValidation: &skip},
	}
	if len(spec.namespaces) > 0 {
		mo.Cache = cache.Options{DefaultNamespaces: map[string]cache.Config{}}
		for _, ns := range spec.namespaces {
			mo.Cache.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	mgr, err := ctrl.NewManager(cfg, mo)
	if err != nil {
		t.Fatal(err)
	}
	var applier reconciler.Applier = apply.New(c, apply.Options{})
	if spec.applier != nil {
		applier = spec.applier(applier)
	}
	var kube ctrlclient.Client = mgr.GetClient()
	if spec.client != nil {
		kube = spec.client(kube)
	}
	rc := &reconciler.Config{
		InfraSettings: spec.infraSettings,
		Client:        kube,
		Options:       opts,
		Applier:       applier,
		Recorder:      mgr.GetEventRecorder("avil4"),
		Metrics:       reconciler.NewMetrics(prometheus.NewRegistry()),
		RetryInvalid:  time.Hour,
	}
	if spec.hooks.config != nil {
		spec.hooks.config(rc)
	}
	if err := reconciler.Setup(mgr, rc); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := mgr.Start(ctx); err != nil {
			t.Errorf("manager: %v", err)
		}
	}()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return &operator{fake: fake, cfg: rc, stop: stop}
}

// newNamespace creates a namespace for one test.
func newNamespace(t *testing.T, ann map[string]string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "t-", Annotations: ann}}
	if err := admin.Create(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// eventually retries check until it succeeds or 30 seconds pass.
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after 30s: %v", what, err)
}

package reconciler_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	ctrlconfig "sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// eventuallyWithin retries check every 100 ms until it succeeds or timeout
// passes (use generous timeouts: the machines running the suite are
// shared).
func eventuallyWithin(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after %v: %v", what, timeout, err)
}

// startEnv starts a kube-apiserver and etcd of the test's own, with the
// CRDs of crdDirs only, and stops them when the test ends; configure (may
// be nil) edits the API server's flags first.
func startEnv(t *testing.T, crdDirs []string, configure func(*envtest.Environment)) *rest.Config {
	t.Helper()
	requireEnv(t)
	env := &envtest.Environment{BinaryAssetsDirectory: assetsDir(), CRDDirectoryPaths: crdDirs, ErrorIfCRDPathMissing: true}
	if configure != nil {
		configure(env)
	}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting a second envtest: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Logf("stopping envtest: %v", err)
		}
	})
	return cfg
}

// logLines is a logger that keeps every message (with its key/values).
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) sink(prefix, args string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, prefix+" "+args)
	if os.Getenv("AVIL4_TEST_LOGS") != "" {
		fmt.Fprintln(os.Stderr, prefix, args)
	}
}

func (l *logLines) find(sub string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.lines {
		if strings.Contains(s, sub) {
			return s
		}
	}
	return ""
}

// TestNoGatewayCRDs: on an API server that does not serve the Gateway API
// (a second envtest without its CRDs), Setup logs that Gateways are not
// served, an SCTP LoadBalancer Service is programmed, and the manager is
// still running well after its cache-sync timeout (10 s here; a watch on
// an unserved kind would have stopped it then).
func TestNoGatewayCRDs(t *testing.T) {
	cfg := startEnv(t, []string{"../config/crd"}, nil)
	k, err := ctrlclient.New(cfg, ctrlclient.Options{Scheme: reconciler.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	avi, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()), CAPool: fake.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logLines{}
	const syncTimeout = 10 * time.Second
	skip := true
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 reconciler.Scheme(),
		Logger:                 funcr.New(logs.sink, funcr.Options{}),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             ctrlconfig.Controller{SkipNameValidation: &skip, CacheSyncTimeout: syncTimeout},
	})
	if err != nil {
		t.Fatal(err)
	}
	rc := &reconciler.Config{
		InfraSettings: true,
		Client:        mgr.GetClient(),
		Options:       l4.Options{ClusterName: "c1", License: "ENTERPRISE"},
		Applier:       apply.New(avi, apply.Options{}),
		Recorder:      mgr.GetEventRecorder("avil4"),
		Metrics:       reconciler.NewMetrics(prometheus.NewRegistry()),
		RetryInvalid:  time.Hour,
		MaxBackoff:    30 * time.Second,
	}
	if err := reconciler.Setup(mgr, rc); err != nil {
		t.Fatalf("Setup without the Gateway CRDs: %v", err)
	}
	if line := logs.find("Gateway API CRDs not served"); line == "" || !strings.Contains(line, "GatewayClass, Gateway, TCPRoute, UDPRoute, ReferenceGrant missing") {
		t.Errorf("no clear log line about the missing Gateway API CRDs; got %q", line)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "nocrds-"}}
	if err := k.Create(bg, ns); err != nil {
		t.Fatal(err)
	}
	svc := lbService(ns.Name, "amf", port("ngap", corev1.ProtocolSCTP, 38412))
	if err := k.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	eventuallyWithin(t, 120*time.Second, "SCTP Service programmed without the Gateway CRDs", func() error {
		select {
		case err := <-done:
			done <- err
			return fmt.Errorf("manager exited: %v", err)
		default:
		}
		var got corev1.Service
		if err := k.Get(bg, types.NamespacedName{Namespace: ns.Name, Name: "amf"}, &got); err != nil {
			return err
		}
		if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Programmed %v", c)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 {
			return fmt.Errorf("ingress %v", got.Status.LoadBalancer.Ingress)
		}
		return nil
	})
	// Every controller has started by now (they start together, and the
	// Service one has reconciled): a controller whose cache cannot sync
	// fails syncTimeout after it started. Waiting twice that long is the
	// point of the test, not a race.
	select {
	case err := <-done:
		t.Fatalf("manager exited %v after its controllers started: %v", syncTimeout, err)
	case <-time.After(2 * syncTimeout):
	}
	if n := fake.Count("virtualservice"); n != 1 {
		t.Errorf("%d VirtualServices, want 1", n)
	}
}

package reconciler_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// benchServices is how many LoadBalancer Services TestBenchEnvtest creates.
const benchServices = 1000

// reconcileStats reads controller-runtime's reconcile metrics of one
// controller: reconciles (all results) and the seconds they took.
func reconcileStats(t *testing.T, controller string) (n uint64, seconds float64) {
	t.Helper()
	mfs, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "controller_runtime_reconcile_time_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelValue(m, "controller") == controller {
				n += m.GetHistogram().GetSampleCount()
				seconds += m.GetHistogram().GetSampleSum()
			}
		}
	}
	return n, seconds
}

func labelValue(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// phase measures one stretch of the benchmark: reconciles, their time,
// API server requests and Avi controller requests.
type phase struct {
	t     *testing.T
	op    *instrumented
	name  string
	start time.Time
	n0    uint64
	s0    float64
	gw0   uint64
}

func beginPhase(t *testing.T, op *instrumented, name string) *phase {
	op.api.reset()
	op.fake.ResetCalls()
	n, s := reconcileStats(t, "service")
	gw, _ := reconcileStats(t, "gateway")
	return &phase{t: t, op: op, name: name, start: time.Now(), n0: n, s0: s, gw0: gw}
}

func (p *phase) reconciles() uint64 {
	n, _ := reconcileStats(p.t, "service")
	return n - p.n0
}

func (p *phase) report() {
	n, s := reconcileStats(p.t, "service")
	gw, _ := reconcileStats(p.t, "gateway")
	n, s = n-p.n0, s-p.s0
	calls := p.op.fake.Calls()
	per := func(v int) float64 { return float64(v) / float64(max(n, 1)) }
	lists, _ := p.op.api.snapshot("list")
	gets, _ := p.op.api.snapshot("get")
	updates, _ := p.op.api.snapshot("update")
	creates, _ := p.op.api.snapshot("create")
	patches, _ := p.op.api.snapshot("patch")
	p.t.Logf("%s: %d Service reconciles in %v wall; %.1f ms per reconcile (controller_runtime_reconcile_time_seconds); "+
		"API server requests per reconcile: %.2f (list %d, get %d, update %d, create %d [events], patch %d); "+
		"Avi requests per reconcile: %.2f (GET %d, writes %d); Gateway reconciles: %d",
		p.name, n, time.Since(p.start).Round(time.Second), 1000*s/float64(max(n, 1)),
		per(p.op.api.total()), lists, gets, updates, creates, patches,
		per(calls.Method("GET")+calls.Writes()), calls.Method("GET"), calls.Writes(), gw-p.gw0)
}

// TestBenchEnvtest measures the per-reconcile cost with 1,000 LoadBalancer
// Services on a kube-apiserver of its own (Service IP range widened to a
// /16), with AviInfraSettings read and one Gateway. It takes minutes, so
// it runs only with AVIL4_BENCH_ENVTEST=1:
//
//	AVIL4_BENCH_ENVTEST=1 go test ./examples/controller/reconciler/ -run TestBenchEnvtest -v -timeout 60m
//
// Phases: create (every Service programmed from nothing), converged (every
// Service reconciled again with nothing to change, through a Namespace
// update), and unrelated changes (100 Service updates, which must not
// reconcile the Gateway).
func TestBenchEnvtest(t *testing.T) {
	if os.Getenv("AVIL4_BENCH_ENVTEST") != "1" {
		t.Skip("a benchmark of several minutes: set AVIL4_BENCH_ENVTEST=1 to run it")
	}
	crds, err := gatewayCRDs()
	if err != nil {
		t.Skip(err)
	}
	cfg := startEnv(t, []string{crds, "../config/crd"}, func(env *envtest.Environment) {
		env.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", "10.0.0.0/16")
	})
	k, err := ctrlclient.New(cfg, ctrlclient.Options{Scheme: reconciler.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/20"))
	t.Cleanup(fake.Close)
	op := startInstrumented(t, operatorSettings{restConfig: cfg, infraSettings: true, maxBackoff: 30 * time.Second}, l4.Options{}, fake)

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "bench"}}
	if err := k.Create(bg, ns); err != nil {
		t.Fatal(err)
	}
	cls := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-bench"}, Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: "bench", Name: "ran"}, Spec: gatewayv1.GatewaySpec{
		GatewayClassName: "avi-bench", Listeners: []gatewayv1.Listener{{Name: "ngap", Port: 38412, Protocol: "SCTP"}}}}
	for _, o := range []ctrlclient.Object{cls, gw, labelledService("bench", "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412))} {
		if err := k.Create(bg, o); err != nil {
			t.Fatal(err)
		}
	}

	create := beginPhase(t, op, "create")
	var wg sync.WaitGroup
	errs := make(chan error, benchServices)
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range work {
				name := fmt.Sprintf("svc-%04d", i)
				ports := []corev1.ServicePort{port("s", corev1.ProtocolSCTP, 38412)}
				if err := k.Create(bg, lbService("bench", name, ports...)); err != nil {
					errs <- err
					continue
				}
				if err := k.Create(bg, slice("bench", name, ports, fmt.Sprintf("10.1.%d.%d", i/200, i%200+1), fmt.Sprintf("10.2.%d.%d", i/200, i%200+1))); err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range benchServices {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("creating Services: %v", err)
	}
	eventuallyWithin(t, 30*time.Minute, "every Service programmed", func() error {
		var list corev1.ServiceList
		if err := k.List(bg, &list, ctrlclient.InNamespace("bench")); err != nil {
			return err
		}
		done := 0
		for _, s := range list.Items {
			if c := condition(s.Status.Conditions, reconciler.ConditionProgrammed); c != nil && c.Status == metav1.ConditionTrue && len(s.Status.LoadBalancer.Ingress) == 1 {
				done++
			}
		}
		if done < benchServices {
			time.Sleep(2 * time.Second)
			return fmt.Errorf("%d of %d programmed", done, benchServices)
		}
		return nil
	})
	create.report()

	converged := beginPhase(t, op, "converged")
	touchWith(t, k, ns)
	eventuallyWithin(t, 30*time.Minute, "every Service reconciled again", func() error {
		if n := converged.reconciles(); n < benchServices {
			time.Sleep(time.Second)
			return fmt.Errorf("%d reconciles", n)
		}
		return nil
	})
	converged.report()

	unrelated := beginPhase(t, op, "unrelated Service changes")
	for i := range 100 {
		touchWith(t, k, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "bench", Name: fmt.Sprintf("svc-%04d", i)}})
	}
	eventuallyWithin(t, 10*time.Minute, "the touched Services reconciled", func() error {
		if n := unrelated.reconciles(); n < 100 {
			time.Sleep(time.Second)
			return fmt.Errorf("%d reconciles", n)
		}
		return nil
	})
	unrelated.report()
	if gw, _ := reconcileStats(t, "gateway"); gw != unrelated.gw0 {
		t.Errorf("100 changes to Services that back no Gateway reconciled the Gateway %d time(s)", gw-unrelated.gw0)
	}
}

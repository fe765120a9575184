package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
)

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// operatorKubeconfig writes a kubeconfig that authenticates as envtest's
// admin and impersonates the operator's ServiceAccount, as a Deployment's
// in-cluster config would be that ServiceAccount.
func operatorKubeconfig(t *testing.T, cfg *rest.Config) string {
	t.Helper()
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["operator"] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken, Impersonate: operatorUser}
	kc.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "operator"}
	kc.CurrentContext = "envtest"
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*kc, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOperatorAsServiceAccount runs the whole operator (run, as main does)
// with --kubeconfig, as its ServiceAccount with the default kustomization's
// RBAC only, leader election on and the fake Avi controller: it becomes
// leader (its LeaderElection event is accepted), programs a LoadBalancer
// Service, and on shutdown releases the Lease, so the next replica takes
// over at once instead of after the lease duration.
func TestOperatorAsServiceAccount(t *testing.T) {
	cfg, admin := requireEnv(t)
	install(t, admin, "config")
	ctx := context.Background()

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "op-"}}
	if err := admin.Create(ctx, ns); err != nil {
		t.Fatal(err)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "sctp-lb", Namespace: ns.Name},
		Spec: corev1.ServiceSpec{
			Type:  corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "sctp", Protocol: corev1.ProtocolSCTP, Port: 38412, TargetPort: intstr.FromInt32(38412)}},
		},
	}
	if err := admin.Create(ctx, svc); err != nil {
		t.Fatal(err)
	}

	var logs syncBuffer
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	args := []string{
		"--kubeconfig", operatorKubeconfig(t, cfg), "--fake-controller", "--cluster", "rbac",
		"--leader-elect", "--leader-election-namespace", operatorNamespace,
		"--metrics-bind-address", "0", "--health-probe-bind-address", "0",
	}
	go func() { done <- run(runCtx, args, &logs) }()
	defer func() {
		if t.Failed() || os.Getenv("AVIL4_TEST_LOGS") != "" {
			t.Logf("operator logs:\n%s", logs.String())
		}
	}()

	eventually(t, "the Service programmed", func() error {
		var got corev1.Service
		if err := admin.Get(ctx, ctrlclient.ObjectKeyFromObject(svc), &got); err != nil {
			return err
		}
		if len(got.Status.LoadBalancer.Ingress) == 0 || got.Status.LoadBalancer.Ingress[0].IP == "" {
			select {
			case err := <-done:
				return fmt.Errorf("the operator stopped: %v", err)
			default:
			}
			return errors.New("no ingress IP yet")
		}
		return nil
	})
	lease := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: operatorNamespace, Name: "avil4-controller.avil4.io"}}
	if err := admin.Get(ctx, ctrlclient.ObjectKeyFromObject(lease), lease); err != nil {
		t.Fatalf("the leader's Lease: %v", err)
	}
	if h := lease.Spec.HolderIdentity; h == nil || *h == "" {
		t.Fatalf("the Lease has no holder while the operator leads: %+v", lease.Spec)
	}
	eventually(t, "the LeaderElection event (a core Event in "+operatorNamespace+")", func() error {
		var evs corev1.EventList
		if err := admin.List(ctx, &evs, ctrlclient.InNamespace(operatorNamespace)); err != nil {
			return err
		}
		for _, e := range evs.Items {
			if e.Reason == "LeaderElection" && e.Source.Component != "rbac-test" {
				return nil
			}
		}
		return fmt.Errorf("none among %d events", len(evs.Items))
	})

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the operator did not stop within 2 minutes of its context ending")
	}
	if err := admin.Get(ctx, ctrlclient.ObjectKeyFromObject(lease), lease); err != nil {
		t.Fatal(err)
	}
	if h := lease.Spec.HolderIdentity; h != nil && *h != "" {
		t.Errorf("the Lease is still held by %q after shutdown; want it released", *h)
	}
}

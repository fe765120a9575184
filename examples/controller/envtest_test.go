package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/internal/testskip"
)

// The envtest tests of this package run a real kube-apiserver and etcd,
// started on first use and shared; they create the operator's
// ServiceAccount and RBAC from config/ and act as that ServiceAccount.

// Who the deployed operator is (config/rbac/service_account.yaml).
const (
	operatorNamespace = "avil4-system"
	operatorSA        = "avil4-controller"
	operatorUser      = "system:serviceaccount:" + operatorNamespace + ":" + operatorSA
)

var testEnv struct {
	once  sync.Once
	env   *envtest.Environment
	cfg   *rest.Config
	admin ctrlclient.Client
	err   string // why envtest cannot run, if it cannot
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testEnv.env != nil {
		if err := testEnv.env.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "stopping envtest: %v\n", err)
		}
	}
	os.Exit(code)
}

// requireEnv starts envtest on first use (with the Gateway API and
// AviInfraSetting CRDs) and returns its admin config and client. It skips
// the test when envtest cannot run outside CI, and fails it in CI
// (AVIL4_REQUIRE_ENVTEST=1, set by .ci/run), where a missing asset must never pass silently.
func requireEnv(t *testing.T) (*rest.Config, ctrlclient.Client) {
	t.Helper()
	testEnv.once.Do(startEnv)
	if testEnv.err != "" {
		testskip.Skip(t, testskip.RequireEnvtest, "the envtest tests", testEnv.err)
	}
	return testEnv.cfg, testEnv.admin
}

func startEnv() {
	assets, err := envtestAssets()
	if err != nil {
		testEnv.err = err.Error() // it names the command that builds them
		return
	}
	gw, looked, err := gatewayCRDs("")
	if err == nil && gw == "" {
		err = fmt.Errorf("gateway API CRDs not found (looked in %s; run `go mod download %s@%s`)", strings.Join(looked, ", "), gatewayAPIModule, gatewayAPIVersion())
	}
	if err != nil {
		testEnv.err = err.Error()
		return
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, CRDDirectoryPaths: []string{gw, "config/crd"}, ErrorIfCRDPathMissing: true}
	cfg, err := env.Start()
	if err != nil {
		testEnv.err = "starting envtest: " + err.Error()
		if !testskip.Required(testskip.RequireEnvtest) {
			// A broken local install is reported, not hidden.
			fmt.Fprintln(os.Stderr, testEnv.err)
		}
		return
	}
	testEnv.env, testEnv.cfg = env, cfg
	testEnv.admin, err = ctrlclient.New(cfg, ctrlclient.Options{Scheme: reconciler.Scheme()})
	if err != nil {
		testEnv.err = err.Error()
	}
}

// asOperator is cfg impersonating the operator's ServiceAccount.
func asOperator(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	c.Impersonate = rest.ImpersonationConfig{UserName: operatorUser}
	return c
}

// kustomization is the part of a kustomization.yaml (or Component) the
// tests read: they create what resources lists, with the namespace, and
// follow components. Patches only touch the Deployment, which the tests
// do not create.
type kustomization struct {
	Namespace  string   `json:"namespace"`
	Resources  []string `json:"resources"`
	Components []string `json:"components"`
}

// rbacKinds are the kinds the tests create from config/: what decides the
// operator's permissions.
var rbacKinds = map[string]bool{"Namespace": true, "ServiceAccount": true, "ClusterRole": true, "ClusterRoleBinding": true, "Role": true, "RoleBinding": true}

// kustomizeObjects reads the RBAC objects of the kustomization in dir
// (resources, then components), without kustomize. namespace is the
// enclosing kustomization's, applied to namespaced objects.
func kustomizeObjects(dir, namespace string) ([]*unstructured.Unstructured, error) {
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		return nil, err
	}
	var k kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if k.Namespace != "" {
		namespace = k.Namespace
	}
	var out []*unstructured.Unstructured
	for _, r := range k.Resources {
		objs, err := readObjects(filepath.Join(dir, r), namespace)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	for _, c := range k.Components {
		objs, err := kustomizeObjects(filepath.Join(dir, c), namespace)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
	}
	return out, nil
}

func readObjects(file, namespace string) ([]*unstructured.Unstructured, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(u.Object) == 0 || !rbacKinds[u.GetKind()] {
			continue
		}
		switch u.GetKind() {
		case "ServiceAccount", "Role", "RoleBinding":
			if namespace != "" {
				u.SetNamespace(namespace)
			}
		}
		if u.GetKind() == "ClusterRoleBinding" || u.GetKind() == "RoleBinding" {
			setSubjectNamespaces(u, namespace)
		}
		out = append(out, u)
	}
}

// setSubjectNamespaces does what kustomize's namespace transformer does to
// binding subjects: ServiceAccounts move to the kustomization's namespace.
func setSubjectNamespaces(u *unstructured.Unstructured, namespace string) {
	if namespace == "" {
		return
	}
	subjects, _, _ := unstructured.NestedSlice(u.Object, "subjects")
	for _, s := range subjects {
		if m, ok := s.(map[string]any); ok && m["kind"] == "ServiceAccount" {
			m["namespace"] = namespace
		}
	}
	_ = unstructured.SetNestedSlice(u.Object, subjects, "subjects")
}

// install creates the RBAC objects of the kustomization in dir (those that
// already exist are kept) and returns them.
func install(t *testing.T, admin ctrlclient.Client, dir string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := kustomizeObjects(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := admin.Create(context.Background(), o.DeepCopy()); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("creating %s %s from %s: %v", o.GetKind(), o.GetName(), dir, err)
		}
	}
	return objs
}

// uninstall deletes objs, except Namespaces and ServiceAccounts (shared
// with the base).
func uninstall(t *testing.T, admin ctrlclient.Client, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, o := range objs {
		if k := o.GetKind(); k == "Namespace" || k == "ServiceAccount" {
			continue
		}
		if err := admin.Delete(context.Background(), o.DeepCopy()); err != nil && !apierrors.IsNotFound(err) {
			t.Fatalf("deleting %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
}

// eventually retries check every 100ms until it succeeds, failing the test
// after a minute (generous: the machine may be busy).
func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after a minute: %v", what, err)
}

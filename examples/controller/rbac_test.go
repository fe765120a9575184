package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// access is one thing the operator may or may not do. An empty namespace
// means every namespace (a cluster-wide grant).
type access struct {
	group, resource, subresource, verb, namespace string
	nonResourceURL                                string
}

func (a access) String() string {
	if a.nonResourceURL != "" {
		return a.verb + " " + a.nonResourceURL
	}
	r := a.resource
	if a.group != "" {
		r += "." + a.group
	}
	if a.subresource != "" {
		r += "/" + a.subresource
	}
	ns := "all namespaces"
	if a.namespace != "" {
		ns = "namespace " + a.namespace
	}
	return fmt.Sprintf("%s %s in %s", a.verb, r, ns)
}

func verbs(group, resource, subresource, namespace string, vs ...string) []access {
	out := make([]access, 0, len(vs))
	for _, v := range vs {
		out = append(out, access{group: group, resource: resource, subresource: subresource, verb: v, namespace: namespace})
	}
	return out
}

func concat(lists ...[]access) []access {
	var out []access
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// What the operator needs in every mode: the reconcilers' reads, writes and
// events, and leader election in its own namespace.
var baseNeeds = concat(
	verbs("", "services", "", "", "get", "list", "watch", "update"),
	verbs("", "services", "status", "", "update"),
	verbs("discovery.k8s.io", "endpointslices", "", "", "get", "list", "watch"),
	verbs("", "namespaces", "", "", "get", "list", "watch"),
	verbs("gateway.networking.k8s.io", "gatewayclasses", "", "", "get", "list", "watch"),
	verbs("gateway.networking.k8s.io", "gatewayclasses", "status", "", "update"),
	verbs("gateway.networking.k8s.io", "gateways", "", "", "get", "list", "watch", "update"),
	verbs("gateway.networking.k8s.io", "gateways", "status", "", "update"),
	verbs("gateway.networking.k8s.io", "tcproutes", "", "", "get", "list", "watch"),
	verbs("gateway.networking.k8s.io", "tcproutes", "status", "", "update"),
	verbs("gateway.networking.k8s.io", "udproutes", "", "", "get", "list", "watch"),
	verbs("gateway.networking.k8s.io", "udproutes", "status", "", "update"),
	verbs("gateway.networking.k8s.io", "referencegrants", "", "", "get", "list", "watch"),
	verbs("networking.x-k8s.io", "gatewayclasses", "", "", "get", "list", "watch"),
	verbs("networking.x-k8s.io", "gatewayclasses", "status", "", "update"),
	verbs("networking.x-k8s.io", "gateways", "", "", "get", "list", "watch", "update"),
	verbs("networking.x-k8s.io", "gateways", "status", "", "update"),
	verbs("ako.vmware.com", "aviinfrasettings", "", "", "get", "list", "watch"),
	verbs("events.k8s.io", "events", "", "", "create", "patch"),
	// Leader election: the Lease, and the LeaderElection events client-go
	// writes as core Events (and the manager's events.k8s.io ones).
	verbs("coordination.k8s.io", "leases", "", operatorNamespace, "get", "list", "watch", "create", "update", "patch"),
	verbs("", "events", "", operatorNamespace, "create", "patch"),
	verbs("events.k8s.io", "events", "", operatorNamespace, "create", "patch"),
)

var (
	nodeAccess = verbs("", "nodes", "", "", "get", "list", "watch")
	podAccess  = verbs("", "pods", "", "", "get", "list", "watch")
	// metricsAuth is what --metrics-secure's filter does per scrape.
	metricsAuth = concat(
		verbs("authentication.k8s.io", "tokenreviews", "", "", "create"),
		verbs("authorization.k8s.io", "subjectaccessreviews", "", "", "create"),
	)
	// neverNeeded is refused in every mode.
	neverNeeded = concat(
		verbs("", "secrets", "", "", "get", "list"),
		verbs("", "secrets", "", operatorNamespace, "get"),
		verbs("", "services", "", "", "create", "delete", "patch"),
		verbs("", "events", "", "", "create"), // core Events only in its own namespace
		verbs("coordination.k8s.io", "leases", "", "default", "update"),
		verbs("gateway.networking.k8s.io", "gateways", "", "", "delete"),
		verbs("gateway.networking.k8s.io", "httproutes", "", "", "list"),
		verbs("rbac.authorization.k8s.io", "clusterroles", "", "", "create"),
		[]access{{nonResourceURL: "/metrics", verb: "get"}},
	)
)

// TestRBAC creates the operator's ServiceAccount and RBAC from config/ (the
// default kustomization, then each component) and asks the API server, as
// that ServiceAccount, what it may do: everything the mode needs, nothing
// more (no Nodes nor Pods in the default mode).
func TestRBAC(t *testing.T) {
	cfg, admin := requireEnv(t)
	install(t, admin, "config")
	cs, err := kubernetes.NewForConfig(asOperator(cfg))
	if err != nil {
		t.Fatal(err)
	}
	// The API server's RBAC authorizer follows Roles and bindings through
	// informers, so a change is waited for, not assumed at once.
	check := func(t *testing.T, allowed, denied []access) {
		t.Helper()
		eventually(t, "the expected permissions", func() error {
			var wrong []string
			for _, want := range []struct {
				list  []access
				allow bool
			}{{allowed, true}, {denied, false}} {
				for _, a := range want.list {
					if got := canI(t, cs, a); got != want.allow {
						wrong = append(wrong, fmt.Sprintf("%s: allowed %v, want %v", a, got, want.allow))
					}
				}
			}
			if len(wrong) > 0 {
				return fmt.Errorf("%d wrong:\n%s", len(wrong), strings.Join(wrong, "\n"))
			}
			return nil
		})
	}
	for _, tc := range []struct {
		name, component string
		allowed, denied []access
	}{
		{"default (ClusterIP) mode", "", baseNeeds, concat(nodeAccess, podAccess, metricsAuth, neverNeeded)},
		{"NodePort mode", "config/rbac/nodeport", concat(baseNeeds, nodeAccess), concat(podAccess, metricsAuth, neverNeeded)},
		{"NodePortLocal mode", "config/rbac/nodeportlocal", concat(baseNeeds, podAccess), concat(nodeAccess, metricsAuth, neverNeeded)},
		{"secure metrics", "config/metrics", concat(baseNeeds, metricsAuth), concat(nodeAccess, podAccess, neverNeeded)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.component != "" {
				objs := install(t, admin, tc.component)
				t.Cleanup(func() { uninstall(t, admin, objs) })
			}
			check(t, tc.allowed, tc.denied)
		})
	}

	// Real requests, not only reviews: what the default mode refuses is
	// Forbidden, and the events leader election writes are accepted.
	ctx := context.Background()
	if _, err := cs.CoreV1().Services("").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("listing Services: %v", err)
	}
	if _, err := cs.CoreV1().Nodes().List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing Nodes in the default mode: %v, want Forbidden", err)
	}
	if _, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing Pods in the default mode: %v, want Forbidden", err)
	}
	if _, err := cs.CoreV1().Secrets(operatorNamespace).Get(ctx, "avil4-avi-credentials", metav1.GetOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("reading the credentials Secret through the API: %v, want Forbidden (it is mounted)", err)
	}
	now := metav1.NowMicro()
	core := &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{GenerateName: "rbac-test-", Namespace: operatorNamespace},
		InvolvedObject: corev1.ObjectReference{Kind: "Lease", Namespace: operatorNamespace, Name: "avil4-controller.avil4.io"},
		Reason:         "LeaderElection", Message: "rbac test", Type: corev1.EventTypeNormal,
		FirstTimestamp: metav1.Now(), LastTimestamp: metav1.Now(), Count: 1,
		Source: corev1.EventSource{Component: "rbac-test"},
	}
	if _, err := cs.CoreV1().Events(operatorNamespace).Create(ctx, core, metav1.CreateOptions{}); err != nil {
		t.Errorf("creating a core Event in %s: %v", operatorNamespace, err)
	}
	ev := &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "rbac-test-", Namespace: "default"},
		EventTime:  now, ReportingController: "avil4.io/controller", ReportingInstance: "rbac-test",
		Action: "Sync", Reason: "Synced", Type: corev1.EventTypeNormal, Note: "rbac test",
		Regarding: corev1.ObjectReference{Kind: "Service", Namespace: "default", Name: "kubernetes"},
	}
	if _, err := cs.EventsV1().Events("default").Create(ctx, ev, metav1.CreateOptions{}); err != nil {
		t.Errorf("creating an events.k8s.io Event in default: %v", err)
	}
}

// canI asks the API server whether the impersonated ServiceAccount may do a.
func canI(t *testing.T, cs kubernetes.Interface, a access) bool {
	t.Helper()
	review := &authorizationv1.SelfSubjectAccessReview{}
	if a.nonResourceURL != "" {
		review.Spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Path: a.nonResourceURL, Verb: a.verb}
	} else {
		review.Spec.ResourceAttributes = &authorizationv1.ResourceAttributes{
			Group: a.group, Resource: a.resource, Subresource: a.subresource, Verb: a.verb, Namespace: a.namespace,
		}
	}
	got, err := cs.AuthorizationV1().SelfSubjectAccessReviews().Create(context.Background(), review, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("reviewing %s: %v", a, err)
	}
	if got.Status.EvaluationError != "" && !strings.Contains(got.Status.EvaluationError, "not found") {
		t.Logf("reviewing %s: %s", a, got.Status.EvaluationError)
	}
	return got.Status.Allowed
}

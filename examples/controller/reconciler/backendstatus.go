package reconciler

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/avil4/avil4/l4"
)

// Backend Service status. AKO writes a Gateway's VIP into
// status.loadBalancer of every Service bound to it; Kubernetes 1.29 and
// later refuse status.loadBalancer.ingress on a Service that is not of type
// LoadBalancer (which a Gateway backend is not), so this operator writes
// what l4.GatewayBackendStatus computes into a condition instead, which the
// API server accepts on every Service.
const (
	// ConditionGatewayBackend is the Service condition naming the Gateways
	// the Service serves and their VIPs (and hostnames), one entry per
	// Gateway, "Gateway <ns>/<name> at <ip>[, <ip>][ (hostname <h>)]",
	// entries sorted and separated by "; ". Each Gateway reconcile edits
	// its own entry only; the condition goes away with the last entry.
	ConditionGatewayBackend = "avil4.io/GatewayBackend"
	// ReasonBound is the reason of ConditionGatewayBackend (status True).
	ReasonBound = "Bound"
)

// indexServiceGateways indexes Services by the Gateways their
// ConditionGatewayBackend names, so a Gateway finds the entries it must
// remove without listing every Service.
const indexServiceGateways = "avil4.io/backend-of"

// gatewayRef names a Gateway in ConditionGatewayBackend: "Gateway ns/name"
// for gateway.networking.k8s.io, "Gateway.networking.x-k8s.io ns/name" for
// the legacy API.
func gatewayRef(legacy bool, nn types.NamespacedName) string {
	if legacy {
		return "Gateway.networking.x-k8s.io " + nn.String()
	}
	return "Gateway " + nn.String()
}

// backendEntries splits ConditionGatewayBackend's message into entries by
// Gateway reference.
func backendEntries(svc *corev1.Service) map[string]string {
	c := meta.FindStatusCondition(svc.Status.Conditions, ConditionGatewayBackend)
	if c == nil || c.Message == "" {
		return nil
	}
	out := map[string]string{}
	for e := range strings.SplitSeq(strings.TrimSuffix(c.Message, "."), "; ") {
		ref, _, ok := strings.Cut(e, " at ")
		if ok {
			out[ref] = e
		}
	}
	return out
}

// indexBackendOf is the indexer of indexServiceGateways.
func indexBackendOf(o client.Object) []string {
	svc, ok := o.(*corev1.Service)
	if !ok {
		return nil
	}
	var out []string
	for ref := range backendEntries(svc) {
		out = append(out, ref)
	}
	slices.Sort(out)
	return out
}

// backendEntry renders one Gateway's entry from its computed status.
func backendEntry(ref string, st corev1.LoadBalancerStatus) string {
	var ips []string
	host := ""
	for _, in := range st.Ingress {
		ips = append(ips, in.IP)
		if host == "" {
			host = in.Hostname
		}
	}
	e := ref + " at " + strings.Join(ips, ", ")
	if host != "" {
		e += " (hostname " + host + ")"
	}
	return e
}

// writeBackendStatus makes ConditionGatewayBackend of every Service say
// what want says for the Gateway ref: its entry is set on the Services of
// want and removed from every other Service that carries one. A Service
// is written only when its condition changes.
func writeBackendStatus(ctx context.Context, c client.Client, ref string, want []l4.BackendServiceStatus) error {
	entries := map[types.NamespacedName]string{}
	for _, b := range want {
		entries[types.NamespacedName{Namespace: b.Namespace, Name: b.Name}] = backendEntry(ref, b.LoadBalancer)
	}
	var list corev1.ServiceList
	if err := c.List(ctx, &list, client.MatchingFields{indexServiceGateways: ref}); err != nil {
		return fmt.Errorf("listing the Services %s served: %w", ref, err)
	}
	todo := map[types.NamespacedName]*corev1.Service{}
	for i := range list.Items {
		todo[client.ObjectKeyFromObject(&list.Items[i])] = &list.Items[i]
	}
	for nn := range entries {
		if _, ok := todo[nn]; ok {
			continue
		}
		var svc corev1.Service
		switch err := c.Get(ctx, nn, &svc); {
		case apierrors.IsNotFound(err):
			continue
		case err != nil:
			return err
		}
		todo[nn] = &svc
	}
	keys := make([]types.NamespacedName, 0, len(todo))
	for nn := range todo {
		keys = append(keys, nn)
	}
	slices.SortFunc(keys, func(a, b types.NamespacedName) int { return strings.Compare(a.String(), b.String()) })
	for _, nn := range keys {
		svc := todo[nn]
		all := backendEntries(svc)
		if all == nil {
			all = map[string]string{}
		}
		if e, ok := entries[nn]; ok {
			all[ref] = e
		} else {
			delete(all, ref)
		}
		if !setBackendCondition(svc, all) {
			continue
		}
		if err := c.Status().Update(ctx, svc); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("writing the status of backend Service %s: %w", nn, err)
		}
	}
	return nil
}

// setBackendCondition sets (or, without entries, removes) the Service's
// ConditionGatewayBackend; it reports whether the status changed.
func setBackendCondition(svc *corev1.Service, entries map[string]string) bool {
	if len(entries) == 0 {
		conds, changed := removeConditions(svc.Status.Conditions, ConditionGatewayBackend)
		svc.Status.Conditions = conds
		return changed
	}
	var es []string
	for _, e := range entries {
		es = append(es, e)
	}
	slices.Sort(es)
	msg := strings.Join(es, "; ") + "."
	if len(msg) > 32768 {
		msg = msg[:32765] + "..."
	}
	return meta.SetStatusCondition(&svc.Status.Conditions, metav1.Condition{Type: ConditionGatewayBackend, Status: metav1.ConditionTrue,
		Reason: ReasonBound, Message: msg, ObservedGeneration: svc.Generation})
}

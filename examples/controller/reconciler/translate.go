package reconciler

import (
	"context"
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/avil4/avil4/l4"
)

// The translations below are the only ones: the reconcilers and the drift
// repair (Resync) both call them, so a resync compares the controller with
// exactly what a reconcile would apply.

// serviceTranslation is the translation of one dedicated Service.
type serviceTranslation struct {
	res l4.Result
	// ignored are the avil4.io/port-overrides entries left out so the rest
	// of the Service is served (see withoutBadOverrides).
	ignored field.ErrorList
}

// translateService gathers a Service's inputs from the cache and translates
// it. When the only reason the Service is refused is bad port-override
// entries, it is translated again without them: the other ports, and the
// endpoints of every port, keep being programmed, and the bad entries are
// reported in ignored (their ports are served with the defaults).
func (c *Config) translateService(ctx context.Context, svc *corev1.Service) (serviceTranslation, error) {
	in, err := c.serviceInputs(ctx, svc)
	if err != nil {
		return serviceTranslation{}, err
	}
	res := l4.TranslateService(in, c.Options)
	if res.Set != nil || res.NotOurs != nil {
		return serviceTranslation{res: res}, nil
	}
	stripped := withoutBadOverrides(svc, res.Errors)
	if stripped == nil {
		return serviceTranslation{res: res}, nil
	}
	in.Service = stripped.svc
	again := l4.TranslateService(in, c.Options)
	if again.Set == nil {
		return serviceTranslation{res: res}, nil
	}
	again.Warnings = stripped.remap(again.Warnings)
	return serviceTranslation{res: again, ignored: stripped.ignored}, nil
}

// serviceInputs gathers the translation inputs of a Service from the cache.
func (c *Config) serviceInputs(ctx context.Context, svc *corev1.Service) (l4.ServiceInput, error) {
	in := l4.ServiceInput{Service: svc, Namespace: c.namespace(ctx, svc.Namespace)}
	infras, err := c.infraSettingsOnce(ctx)
	if err != nil {
		return in, err
	}
	in.InfraSettings = infras
	var slices discoveryv1.EndpointSliceList
	if err := c.Client.List(ctx, &slices, client.InNamespace(svc.Namespace),
		client.MatchingLabels{discoveryv1.LabelServiceName: svc.Name}); err != nil {
		return in, fmt.Errorf("listing EndpointSlices: %w", err)
	}
	in.EndpointSlices = slices.Items
	switch c.Options.BackendMode {
	case l4.BackendNodePort:
		var nodes corev1.NodeList
		if err := c.Client.List(ctx, &nodes); err != nil {
			return in, fmt.Errorf("listing Nodes: %w", err)
		}
		in.Nodes = nodes.Items
	case l4.BackendNodePortLocal:
		var pods corev1.PodList
		if err := c.Client.List(ctx, &pods, client.InNamespace(svc.Namespace)); err != nil {
			return in, fmt.Errorf("listing Pods: %w", err)
		}
		in.Pods = pods.Items
	}
	return in, nil
}

// groupTranslation is the translation of one shared-VIP group.
type groupTranslation struct {
	res l4.SharedVIPResult
	// leaving are the former members (annotated with the group, no longer
	// in it) still holding the finalizer.
	leaving []*corev1.Service
	// ignored are, per member, the port-override entries left out so the
	// group is served.
	ignored map[types.NamespacedName]field.ErrorList
	// remapped are, per member, its warnings with the override paths of the
	// Service as written.
	remapped map[types.NamespacedName][]string
}

// translateGroup gathers a shared-VIP group's members and inputs from the
// cache and translates it; members whose only problems are bad
// port-override entries are translated without them, as for a dedicated
// Service, when that lets the group be served.
func (c *Config) translateGroup(ctx context.Context, group l4.SharedVIPGroup) (groupTranslation, error) {
	var out groupTranslation
	var list corev1.ServiceList
	if err := c.Client.List(ctx, &list, client.InNamespace(group.Namespace)); err != nil {
		return out, fmt.Errorf("listing Services: %w", err)
	}
	// Members being deleted are translated out of the group; former
	// members (annotated with the key, no longer in the group) are let go
	// once the group no longer serves them.
	var current []corev1.Service
	for i := range list.Items {
		s := &list.Items[i]
		g, member := l4.SharedVIPGroupOf(s)
		if member && g == group && s.DeletionTimestamp.IsZero() {
			current = append(current, *s)
		} else if s.Annotations[AnnotationSharedVIPGroup] == group.Key && controllerutil.ContainsFinalizer(s, Finalizer) {
			out.leaving = append(out.leaving, s)
		}
	}
	infras, err := c.infraSettingsOnce(ctx)
	if err != nil {
		return out, err
	}
	in := l4.SharedVIPInput{Group: group, Services: current, Namespace: c.namespace(ctx, group.Namespace), InfraSettings: infras}
	var slices discoveryv1.EndpointSliceList
	if err := c.Client.List(ctx, &slices, client.InNamespace(group.Namespace)); err != nil {
		return out, fmt.Errorf("listing EndpointSlices: %w", err)
	}
	in.EndpointSlices = slices.Items
	switch c.Options.BackendMode {
	case l4.BackendNodePort:
		var nodes corev1.NodeList
		if err := c.Client.List(ctx, &nodes); err != nil {
			return out, fmt.Errorf("listing Nodes: %w", err)
		}
		in.Nodes = nodes.Items
	case l4.BackendNodePortLocal:
		var pods corev1.PodList
		if err := c.Client.List(ctx, &pods, client.InNamespace(group.Namespace)); err != nil {
			return out, fmt.Errorf("listing Pods: %w", err)
		}
		in.Pods = pods.Items
	}
	out.res = l4.TranslateSharedVIP(in, c.Options)
	if out.res.Set != nil || out.res.NotOurs != nil {
		return out, nil
	}
	// Retry with the bad override entries of every member left out.
	stripped := map[types.NamespacedName]*strippedOverrides{}
	retry := make([]corev1.Service, len(current))
	copy(retry, current)
	for _, m := range out.res.Members {
		s := withoutBadOverrides(m.Service, m.Result.Errors)
		if s == nil {
			continue
		}
		key := client.ObjectKeyFromObject(m.Service)
		stripped[key] = s
		for i := range retry {
			if retry[i].Name == m.Service.Name {
				retry[i] = *s.svc
			}
		}
	}
	if len(stripped) == 0 {
		return out, nil
	}
	in.Services = retry
	again := l4.TranslateSharedVIP(in, c.Options)
	if again.Set == nil {
		return out, nil
	}
	out.res = again
	out.ignored = map[types.NamespacedName]field.ErrorList{}
	out.remapped = map[types.NamespacedName][]string{}
	for i, m := range again.Members {
		key := client.ObjectKeyFromObject(m.Service)
		s, ok := stripped[key]
		if !ok {
			continue
		}
		out.ignored[key] = s.ignored
		out.remapped[key] = s.remap(m.Result.Warnings)
		// Status and events are about the Service as it is, not the copy.
		for j := range current {
			if current[j].Name == m.Service.Name {
				out.res.Members[i].Service = &current[j]
			}
		}
	}
	return out, nil
}

// memberWarnings are a member's warnings with the paths of the Service as
// written.
func (g *groupTranslation) memberWarnings(m l4.SharedVIPMember) []string {
	if w, ok := g.remapped[client.ObjectKeyFromObject(m.Service)]; ok {
		return w
	}
	return m.Result.Warnings
}

// infraMemo holds the AviInfraSettings read once for a whole resync pass
// (see withInfraMemo), instead of once per translated object.
type infraMemo struct {
	once sync.Once
	list []l4.AviInfraSetting
	err  error
}

type infraMemoKey struct{}

// withInfraMemo makes the translations under ctx share one read of the
// AviInfraSettings.
func withInfraMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, infraMemoKey{}, &infraMemo{})
}

// infraSettingsOnce is infraSettings, read once per ctx made by
// withInfraMemo.
func (c *Config) infraSettingsOnce(ctx context.Context) ([]l4.AviInfraSetting, error) {
	m, ok := ctx.Value(infraMemoKey{}).(*infraMemo)
	if !ok {
		return c.infraSettings(ctx)
	}
	m.once.Do(func() { m.list, m.err = c.infraSettings(ctx) })
	return m.list, m.err
}

package reconciler

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/avil4/avil4/l4"
)

// AviInfraSettingGVK is the kind read when Config.InfraSettings is on.
// AKO's Go module cannot be downloaded, so the objects are read as
// unstructured and converted to l4.AviInfraSetting.
var AviInfraSettingGVK = schema.GroupVersionKind{Group: l4.AviInfraSettingGroup, Version: "v1beta1", Kind: "AviInfraSetting"}

// newInfraSettingObject returns an empty unstructured AviInfraSetting, for
// watches.
func newInfraSettingObject() *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(AviInfraSettingGVK)
	return u
}

// infraSettings lists the AviInfraSettings from the manager's cache (the
// informer the AviInfraSetting watches start: no request to the API server),
// or none when the operator does not read them.
func (c *Config) infraSettings(ctx context.Context) ([]l4.AviInfraSetting, error) {
	if !c.InfraSettings {
		return nil, nil
	}
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(AviInfraSettingGVK.GroupVersion().WithKind("AviInfraSettingList"))
	var r client.Reader = c.Client
	if c.cache != nil {
		r = c.cache
	}
	if err := r.List(ctx, list); err != nil {
		return nil, fmt.Errorf("listing AviInfraSettings: %w", err)
	}
	out := make([]l4.AviInfraSetting, 0, len(list.Items))
	for _, u := range list.Items {
		var s l4.AviInfraSetting
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &s); err != nil {
			// A setting this operator cannot read is treated as absent:
			// whatever names it gets a "not found" error in its status.
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// findInfraSetting returns the named AviInfraSetting, or nil.
func findInfraSetting(all []l4.AviInfraSetting, name string) *l4.AviInfraSetting {
	for i := range all {
		if all[i].Name == name {
			return &all[i]
		}
	}
	return nil
}

package l4

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// maxVirtualServicePorts is the most services (listening ports) one
// VirtualService holds: the controller's schema allows at most 2048 items in
// VirtualService.services.
const maxVirtualServicePorts = 2048

// preflight runs aviobj.Check on a Set about to be returned and turns each
// problem into a field error on the Kubernetes object: locate names the
// field a problem comes from (the port whose pool it is, ...), defaulting
// to metadata.name. It is the last line of defence: the translators refuse
// bad input earlier with more precise errors, so a problem here is a gap in
// their validation, and the Set is never returned (nothing half-applies).
func preflight(set *aviobj.Set, locate func(aviobj.Problem) *field.Path) field.ErrorList {
	probs := aviobj.Check(set)
	if len(probs) == 0 {
		return nil
	}
	errs := make(field.ErrorList, 0, len(probs))
	for _, p := range probs {
		path := locate(p)
		if path == nil {
			path = field.NewPath("metadata", "name")
		}
		errs = append(errs, field.Invalid(path, p.Name, "the Avi Controller would refuse the translated objects: "+p.String()))
	}
	return errs
}

// poolLocator returns a locate function for preflight that maps problems of
// a pool (or pool group) to poolPath of its name (the field of the port or
// listener it serves) and problems of the VirtualService's services to
// servicesPath; both are called only for a problem.
func poolLocator(poolPath func(name string) *field.Path, servicesPath func() *field.Path) func(aviobj.Problem) *field.Path {
	return func(p aviobj.Problem) *field.Path {
		switch {
		case p.Kind == aviobj.KindPool || p.Kind == aviobj.KindPoolGroup:
			return poolPath(p.Name)
		case p.Kind == aviobj.KindVirtualService && p.Field == "services":
			return servicesPath()
		}
		return nil
	}
}

// servicePortLocator is poolLocator for a Service's ports: a pool's
// problems go to its port (the last port of that pool), the
// VirtualService's services to spec.ports.
func servicePortLocator(ports []servicePort) func(aviobj.Problem) *field.Path {
	return poolLocator(func(name string) *field.Path {
		for i := len(ports) - 1; i >= 0; i-- {
			if ports[i].pool == name {
				return field.NewPath("spec", "ports").Index(ports[i].index)
			}
		}
		return nil
	}, func() *field.Path { return field.NewPath("spec", "ports") })
}

// tooManyPorts is the error for more VIP ports than a VirtualService holds.
func tooManyPorts(path *field.Path, n int, what string) *field.Error {
	e := field.TooMany(path, n, maxVirtualServicePorts)
	e.Detail = fmt.Sprintf("%s: an Avi VirtualService holds at most %d ports", e.Detail, maxVirtualServicePorts)
	if what != "" {
		e.Detail += " (" + what + ")"
	}
	return e
}

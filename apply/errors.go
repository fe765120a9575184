package apply

import (
	"errors"
	"fmt"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// Sentinel errors to branch on with errors.Is.
var (
	// ErrForeignObject: an object the Set needs exists under the same name
	// but belongs to someone else — another owner (*ForeignObjectError) or
	// another Service, shared-VIP group or Gateway of the same cluster
	// (*CollisionError, which matches ErrCollision too). It is never
	// updated, deleted or adopted; rename one of them.
	ErrForeignObject = errors.New("foreign object")
	// ErrCollision: an object the Set needs exists under the same name,
	// with the Set's owner, but made for another Kubernetes object: two
	// Services, shared-VIP groups or Gateways of one cluster map to the same
	// Avi name. See *CollisionError.
	ErrCollision = errors.New("name collision")
	// ErrInvalidSet: the Set cannot be applied as given (nil, no cluster
	// name, no name, or it fails the pre-flight check: see
	// *InvalidSetError). Nothing was read or written.
	ErrInvalidSet = errors.New("invalid set")
	// ErrNoClient: the Applier has no client (a nil or zero Applier, or
	// New(nil, ...)). Nothing was read or written.
	ErrNoClient = errors.New("applier has no client")
)

// ForeignObjectError names an object that blocks a Set because it has the
// name of one of the Set's objects but another owner. It matches
// ErrForeignObject.
type ForeignObjectError struct {
	// Kind of the object.
	Kind aviobj.Kind `json:"kind"`
	// Name of the object (the name the Set needs).
	Name string `json:"name"`
	// Tenant holding it.
	Tenant string `json:"tenant"`
	// UUID of the object on the controller.
	UUID string `json:"uuid"`
	// Owner is how the object is marked: its created_by, or its clustername
	// marker for VsVip, HealthMonitor and NetworkProfile ("" when unmarked).
	Owner string `json:"owner"`
}

// Error implements error, e.g.
// `pool "c1--ns-svc-SCTP-38412" is not owned by this cluster (created_by "ako-other"): foreign object`.
func (e *ForeignObjectError) Error() string {
	if e == nil {
		return "<nil>"
	}
	field := "created_by"
	if e.Kind == aviobj.KindVsVip || e.Kind == aviobj.KindHealthMonitor || e.Kind == aviobj.KindNetworkProfile {
		field = "clustername marker"
	}
	return fmt.Sprintf("%s %q is not owned by this cluster (%s %q): %v", e.Kind, e.Name, field, e.Owner, ErrForeignObject)
}

// Is makes errors.Is(err, ErrForeignObject) true.
func (e *ForeignObjectError) Is(target error) bool { return target == ErrForeignObject }

// CollisionError names an object that blocks a Set because it has the name
// of one of the Set's objects and the Set's owner, but belongs to another
// Kubernetes object of the same cluster: the Services a-b/c and a/b-c both
// name their objects <cluster>--a-b-c, and so do a Service web and a
// shared-VIP group web of one namespace. The object is never adopted,
// updated or deleted on behalf of the Set; rename one of the two Kubernetes
// objects (the Service, the shared-VIP key or the Gateway). It matches
// ErrCollision and ErrForeignObject.
type CollisionError struct {
	// Kind of the object.
	Kind aviobj.Kind `json:"kind"`
	// Name of the object (the name the Set needs).
	Name string `json:"name"`
	// Tenant holding it.
	Tenant string `json:"tenant"`
	// UUID of the object on the controller.
	UUID string `json:"uuid"`
	// Holder is the Kubernetes object the live object belongs to, read from
	// its identity markers (or those of Via); zero when they name none.
	Holder aviobj.Identity `json:"holder"`
	// HolderMarkers are the identity markers Holder was read from.
	HolderMarkers []aviobj.Marker `json:"holderMarkers,omitempty"`
	// Via names the object through which Holder was found, for a VsVip or
	// a HealthMonitor without identity markers (`virtualservice "x"`); ""
	// when the object's own markers say it.
	Via string `json:"via,omitempty"`
	// Wanted is the Kubernetes object the Set is made for.
	Wanted aviobj.Identity `json:"wanted"`
	// WantedMarkers are the identity markers the Set's object carries.
	WantedMarkers []aviobj.Marker `json:"wantedMarkers,omitempty"`
}

// Error implements error, e.g.
// `virtualservice "c1--a-b-c" belongs to Service a-b/c, not to Service a/b-c: rename one of them: name collision`.
func (e *CollisionError) Error() string {
	if e == nil {
		return "<nil>"
	}
	holder, wanted := e.Holder.String(), e.Wanted.String()
	if holder == wanted {
		// Same Kubernetes object, other markers (a port, a hand edit): show them.
		holder += " (markers " + markerString(e.HolderMarkers) + ")"
		wanted += " (markers " + markerString(e.WantedMarkers) + ")"
	}
	via := ""
	if e.Via != "" {
		via = " through " + e.Via
	}
	return fmt.Sprintf("%s %q belongs to %s%s, not to %s: rename one of them: %v", e.Kind, e.Name, holder, via, wanted, ErrCollision)
}

// Is makes errors.Is(err, ErrCollision) and errors.Is(err, ErrForeignObject)
// true.
func (e *CollisionError) Is(target error) bool {
	return target == ErrCollision || target == ErrForeignObject
}

// markerString renders markers as "Namespace=a ServiceName=b", or "none".
func markerString(ms []aviobj.Marker) string {
	if len(ms) == 0 {
		return "none"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Key + "=" + strings.Join(m.Values, ",")
	}
	return strings.Join(parts, " ")
}

// InvalidSetError is a Set refused before anything was read or written,
// because the controller would refuse it (aviobj.Check) or because the
// applier could not tell its objects apart from another Set's afterwards
// (an object whose identity markers name another Kubernetes object than its
// VirtualService's). It lists every problem and matches ErrInvalidSet.
type InvalidSetError struct {
	// Tenant and Set name the Set ("" when it has none).
	Tenant string `json:"tenant"`
	Set    string `json:"set"`
	// Problems lists what is wrong, as aviobj.Check reports it.
	Problems []aviobj.Problem `json:"problems"`
}

// Error implements error, e.g.
// `invalid set admin/c1--ns-svc: pool "c1--ns-svc-TCP-80": servers[0].port: must be between 1 and 65535, got 0`.
func (e *InvalidSetError) Error() string {
	if e == nil {
		return "<nil>"
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	name := e.Set
	if name == "" {
		name = "(unnamed)"
	}
	if e.Tenant != "" {
		name = e.Tenant + "/" + name
	}
	return fmt.Sprintf("%v %s: %s", ErrInvalidSet, name, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrInvalidSet) true.
func (e *InvalidSetError) Is(target error) bool { return target == ErrInvalidSet }

package apply

import (
	"errors"
	"fmt"

	"github.com/avil4/avil4/aviobj"
)

// Sentinel errors to branch on with errors.Is.
var (
	// ErrForeignObject: an object the Set needs exists under the same name
	// but is owned by someone else. It is never updated, deleted or adopted;
	// rename one of them.
	ErrForeignObject = errors.New("foreign object")
	// ErrInvalidSet: the Set cannot be applied as given (no cluster name,
	// no tenant...).
	ErrInvalidSet = errors.New("invalid set")
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
	// marker for VsVip and HealthMonitor ("" when unmarked).
	Owner string `json:"owner"`
}

// Error implements error, e.g.
// `pool "c1--ns-svc-SCTP-38412" is not owned by this cluster (created_by "ako-other"): foreign object`.
func (e *ForeignObjectError) Error() string {
	field := "created_by"
	if e.Kind == aviobj.KindVsVip || e.Kind == aviobj.KindHealthMonitor {
		field = "clustername marker"
	}
	return fmt.Sprintf("%s %q is not owned by this cluster (%s %q): %v", e.Kind, e.Name, field, e.Owner, ErrForeignObject)
}

// Is makes errors.Is(err, ErrForeignObject) true.
func (e *ForeignObjectError) Is(target error) bool { return target == ErrForeignObject }

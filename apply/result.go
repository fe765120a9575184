package apply

import (
	"fmt"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// Outcome is what happened to one object. The words complete the sentence
// "<Kind> <name> has been <outcome>".
type Outcome string

// Outcomes of an object.
const (
	Created   Outcome = "created"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
	Deleted   Outcome = "deleted"
)

// ObjectResult is the outcome of one object.
type ObjectResult struct {
	// Kind of the object.
	Kind aviobj.Kind `json:"kind"`
	// Name of the object.
	Name string `json:"name"`
	// UUID of the object on the controller.
	UUID string `json:"uuid,omitempty"`
	// Outcome says what was done.
	Outcome Outcome `json:"outcome"`
}

// String renders "VirtualService c1--ns-svc has been created" (or "... is
// unchanged").
func (r ObjectResult) String() string {
	if r.Outcome == Unchanged {
		return fmt.Sprintf("%s %s is unchanged", displayKind(r.Kind), r.Name)
	}
	return fmt.Sprintf("%s %s has been %s", displayKind(r.Kind), r.Name, r.Outcome)
}

// Result is what Apply or Delete did to one Set.
type Result struct {
	// Tenant of the Set.
	Tenant string `json:"tenant"`
	// Set is the Set's name (that of its VirtualService).
	Set string `json:"set"`
	// Changes is the plan that was carried out.
	Changes *Changes `json:"changes,omitempty"`
	// Objects lists every object of the Set in apply order, then the
	// deleted ones in delete order.
	Objects []ObjectResult `json:"objects"`
	// VIPs are the live addresses of the Set's VsVip (IPv4 first), for the
	// Service's status; empty after Delete.
	VIPs []string `json:"vips,omitempty"`
}

// Writes is the number of objects created, updated or deleted (0 for nil).
func (r *Result) Writes() int {
	if r == nil {
		return 0
	}
	n := 0
	for _, o := range r.Objects {
		if o.Outcome != Unchanged {
			n++
		}
	}
	return n
}

// Count is the number of objects with the outcome (0 for nil).
func (r *Result) Count(o Outcome) int {
	if r == nil {
		return 0
	}
	n := 0
	for _, x := range r.Objects {
		if x.Outcome == o {
			n++
		}
	}
	return n
}

// String renders one sentence per object, then the VIPs ("<nil>" for nil).
func (r *Result) String() string {
	if r == nil {
		return "<nil>"
	}
	var b strings.Builder
	for _, o := range r.Objects {
		b.WriteString(o.String())
		b.WriteByte('\n')
	}
	if len(r.VIPs) > 0 {
		fmt.Fprintf(&b, "VIPs: %s\n", strings.Join(r.VIPs, ", "))
	}
	return b.String()
}

// displayKind is the type name of a kind ("VirtualService").
func displayKind(k aviobj.Kind) string {
	switch k {
	case aviobj.KindVirtualService:
		return "VirtualService"
	case aviobj.KindVsVip:
		return "VsVip"
	case aviobj.KindPool:
		return "Pool"
	case aviobj.KindPoolGroup:
		return "PoolGroup"
	case aviobj.KindL4PolicySet:
		return "L4PolicySet"
	case aviobj.KindHealthMonitor:
		return "HealthMonitor"
	case aviobj.KindNetworkProfile:
		return "NetworkProfile"
	}
	return string(k)
}

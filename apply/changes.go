package apply

import (
	"fmt"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// Action is what a Change does.
type Action string

// Actions of a Change.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// Change is one write the applier would make (Plan) or made (Apply).
type Change struct {
	// Action is create, update or delete.
	Action Action `json:"action"`
	// Kind of the object.
	Kind aviobj.Kind `json:"kind"`
	// Name of the object.
	Name string `json:"name"`
	// UUID of the live object (update and delete).
	UUID string `json:"uuid,omitempty"`
	// Diff is the semantic difference that causes an update, "-desired
	// +live", as go-cmp prints it.
	Diff string `json:"diff,omitempty"`

	desired aviobj.Object // create, update
	live    *liveObj      // update, delete
}

// String renders the change as one line, e.g. "update pool c1--ns-svc-TCP-80".
func (c Change) String() string { return fmt.Sprintf("%s %s %s", c.Action, c.Kind, c.Name) }

// Changes is the plan of one Set: what must be created, updated and deleted
// for the controller to match it, each list in the order Apply runs it
// (creates and updates in dependency order, then deletes in reverse order).
// The zero writes of a converged Set show as !HasChanges().
type Changes struct {
	// Tenant of the Set.
	Tenant string `json:"tenant"`
	// Set is the Set's name (that of its VirtualService).
	Set string `json:"set"`
	// Create lists the objects to create, in dependency order.
	Create []Change `json:"create"`
	// Update lists the owned objects that differ, with their diffs.
	Update []Change `json:"update"`
	// Delete lists the owned objects the Set no longer needs, in delete
	// order.
	Delete []Change `json:"delete"`
	// Unchanged lists the objects of the Set that already match, as
	// "<kind> <name>".
	Unchanged []string `json:"unchanged,omitempty"`

	writes []Change          // creates and updates, interleaved in dependency order
	vsvip  *liveObj          // the live VsVip, for the VIPs of an unchanged Set
	order  []string          // "<kind> <name>" of the Set's objects, in apply order
	uuids  map[string]string // "<kind> <name>" -> uuid of the unchanged objects
}

// newChanges returns empty Changes for a Set (the lists marshal as [], not
// null).
func newChanges(k Key) *Changes {
	return &Changes{Tenant: k.Tenant, Set: k.Name, Create: []Change{}, Update: []Change{}, Delete: []Change{}, uuids: map[string]string{}}
}

// HasChanges reports whether applying the plan writes anything (false for
// nil).
func (c *Changes) HasChanges() bool {
	return c != nil && len(c.Create)+len(c.Update)+len(c.Delete) > 0
}

// Len is the number of writes (0 for nil).
func (c *Changes) Len() int {
	if c == nil {
		return 0
	}
	return len(c.Create) + len(c.Update) + len(c.Delete)
}

// String renders the plan as a dry run, one write per line ("+" create, "~"
// update followed by its diff, "-" delete), or "no changes" ("<nil>" for
// nil).
func (c *Changes) String() string {
	if c == nil {
		return "<nil>"
	}
	if !c.HasChanges() {
		return fmt.Sprintf("%s/%s: no changes", c.Tenant, c.Set)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s: %d to create, %d to update, %d to delete\n", c.Tenant, c.Set, len(c.Create), len(c.Update), len(c.Delete))
	for _, ch := range c.writes {
		switch ch.Action {
		case ActionCreate:
			fmt.Fprintf(&b, "  + %s %s\n", ch.Kind, ch.Name)
		case ActionUpdate:
			fmt.Fprintf(&b, "  ~ %s %s\n", ch.Kind, ch.Name)
			for _, line := range strings.Split(strings.TrimRight(ch.Diff, "\n"), "\n") {
				if strings.TrimSpace(line) != "" {
					fmt.Fprintf(&b, "      %s\n", line)
				}
			}
		}
	}
	for _, ch := range c.Delete {
		fmt.Fprintf(&b, "  - %s %s\n", ch.Kind, ch.Name)
	}
	return b.String()
}

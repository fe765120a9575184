package reconciler

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/events"
)

// ConditionDegraded says whether a programmed Service is served exactly as
// written: True (reason OverrideIgnored, PortNotServed or
// TranslationWarning) lists, one per line with its field path, every
// port-override entry left out, every port not served and every warning of
// the translation; False (reason ServedAsWritten) when there is none.
// Each line is also a Warning event, emitted once, when it first appears.
const ConditionDegraded = "avil4.io/Degraded"

// Reasons of the Degraded condition and of its Warning events.
const (
	// ReasonOverrideIgnored: an avil4.io/port-overrides entry is invalid
	// and left out; its port is served with the defaults.
	ReasonOverrideIgnored = "OverrideIgnored"
	// ReasonPortNotServed: a port of the Service has no pool (l4 refused it:
	// SCTP in NodePortLocal mode, a port a shared-VIP group already serves...).
	ReasonPortNotServed = "PortNotServed"
	// ReasonTranslationWarning: the translation warned (an override for a
	// port the Service lacks, an endpoint left out, SCTP without an
	// Enterprise licence; for a Gateway, a Service port matching no
	// listener, an ignored ReferenceGrant...).
	ReasonTranslationWarning = "TranslationWarning"
	// ReasonServedAsWritten: nothing of the above (condition False).
	ReasonServedAsWritten = "ServedAsWritten"
)

// maxConditionMessage is the API's limit on a condition message;
// maxEventNote that on an events.k8s.io/v1 note.
const (
	maxConditionMessage = 32768
	maxEventNote        = 1024
)

// notice is one line of the Degraded condition.
type notice struct {
	reason, text string
}

// notices lists, in a fixed order, what a served Service does not get as
// written: ignored override entries, ports not served (the errors of a
// translation that still produced a Set), and warnings.
func notices(ignored, portErrs field.ErrorList, warnings ...[]string) []notice {
	var out []notice
	seen := map[string]bool{}
	add := func(reason, text string) {
		if !seen[text] {
			seen[text] = true
			out = append(out, notice{reason, text})
		}
	}
	for _, e := range ignored {
		add(ReasonOverrideIgnored, e.Error()+"; the entry is ignored and its port is served with the defaults")
	}
	for _, e := range portErrs {
		add(ReasonPortNotServed, e.Error())
	}
	for _, ws := range warnings {
		for _, w := range ws {
			add(ReasonTranslationWarning, w)
		}
	}
	return out
}

// degradedCondition renders the notices as the Degraded condition.
func degradedCondition(gen int64, ns []notice) metav1.Condition {
	c := metav1.Condition{Type: ConditionDegraded, ObservedGeneration: gen,
		Status: metav1.ConditionFalse, Reason: ReasonServedAsWritten, Message: "Every port and override is served as written."}
	if len(ns) == 0 {
		return c
	}
	c.Status, c.Reason = metav1.ConditionTrue, ns[0].reason
	lines := make([]string, len(ns))
	for i, n := range ns {
		lines[i] = n.text
	}
	c.Message = truncate(strings.Join(lines, "\n"), maxConditionMessage)
	return c
}

// announced returns the lines of the Degraded condition in conds, i.e.
// the notices already announced by an event.
func announced(conds []metav1.Condition) map[string]bool {
	c := meta.FindStatusCondition(conds, ConditionDegraded)
	if c == nil || c.Status != metav1.ConditionTrue {
		return nil
	}
	out := map[string]bool{}
	for _, l := range strings.Split(c.Message, "\n") {
		out[l] = true
	}
	return out
}

// announce emits a Warning event on obj for every notice not in before
// (the lines of its Degraded condition before this reconcile), so a notice
// is announced once, when it appears, and a restart announces nothing.
func announce(rec events.EventRecorder, obj *corev1.Service, before map[string]bool, ns []notice) {
	for _, n := range ns {
		if before[n.text] {
			continue
		}
		rec.Eventf(obj, nil, corev1.EventTypeWarning, n.reason, "Sync", "%s", truncate(n.text, maxEventNote))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

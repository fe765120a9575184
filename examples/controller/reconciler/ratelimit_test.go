package reconciler_test

import (
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/avil4/avil4/examples/controller/reconciler"
)

// TestRateLimiterCapped: after any number of failures, of one object or of
// many at once (which drains the overall token bucket), no retry is ever
// delayed more than MaxBackoff; the first retry of a fresh object is fast,
// and Forget starts an object's backoff over.
func TestRateLimiterCapped(t *testing.T) {
	const maxBackoff = 30 * time.Second
	l := reconciler.NewRateLimiter(maxBackoff)
	req := func(i int) reconcile.Request {
		return reconcile.Request{NamespacedName: types.NamespacedName{Namespace: "ns", Name: fmt.Sprintf("svc-%d", i)}}
	}
	if d := l.When(req(0)); d > 10*time.Millisecond {
		t.Errorf("first retry delayed %v, want about 5ms", d)
	}
	var longest time.Duration
	for i := range 10000 {
		d := l.When(req(0))
		longest = max(longest, d)
		if d > maxBackoff {
			t.Fatalf("failure %d of one object: delay %v exceeds the cap %v", i+2, d, maxBackoff)
		}
	}
	if longest != maxBackoff {
		t.Errorf("longest delay %v, want the cap %v after 10,000 failures", longest, maxBackoff)
	}
	for i := range 5000 {
		if d := l.When(req(i + 1)); d > maxBackoff {
			t.Fatalf("failure of object %d during a burst: delay %v exceeds the cap %v", i+1, d, maxBackoff)
		}
	}
	if n := l.NumRequeues(req(0)); n != 10001 {
		t.Errorf("NumRequeues %d, want 10001", n)
	}
	l.Forget(req(0))
	if n := l.NumRequeues(req(0)); n != 0 {
		t.Errorf("NumRequeues after Forget %d, want 0", n)
	}
}

// TestRateLimiterZeroKeepsDefault: a zero MaxBackoff means
// controller-runtime's own limiter (nil in controller.Options).
func TestRateLimiterZeroKeepsDefault(t *testing.T) {
	if l := reconciler.NewRateLimiter(0); l != nil {
		t.Errorf("NewRateLimiter(0) = %T, want nil", l)
	}
}

package reconciler

import (
	"context"
	"encoding/json"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// Finalizer is put on every object whose Avi objects this operator
// programmed; it is removed once they are deleted.
const Finalizer = "avil4.io/avi-objects"

// AnnotationProgrammed records, on a Service or Gateway, which Avi
// objects were programmed for it (tenant and VirtualService name, as JSON),
// so they can be found and removed after the object changed class, type or
// shared-VIP group.
const AnnotationProgrammed = "avil4.io/programmed"

// Event reasons.
const (
	ReasonSynced      = "Synced"
	ReasonSyncFailed  = "SyncFailed"
	ReasonInvalidSpec = "InvalidSpec"
	ReasonRemoved     = "Removed"
)

// Applier is the part of *apply.Applier the reconcilers use (an interface
// so a test can wrap it); the drift repair (Resync) plans with PlanAll.
type Applier interface {
	Apply(ctx context.Context, set *aviobj.Set) (*apply.Result, error)
	DeleteKey(ctx context.Context, key apply.Key) (*apply.Result, error)
	PlanAll(ctx context.Context, sets []*aviobj.Set) ([]*apply.Changes, error)
}

var _ Applier = (*apply.Applier)(nil)

// Config is what every reconciler shares.
type Config struct {
	// Client reads from the manager's cache and writes to the API server.
	Client client.Client
	// Options are the translation settings.
	Options l4.Options
	// Applier writes to the Avi controller.
	Applier Applier
	// Recorder emits Kubernetes events.
	Recorder events.EventRecorder
	// Metrics records apply latency; nil records nothing.
	Metrics *Metrics
	// InfraSettings makes the reconcilers read AviInfraSettings (the CRD
	// must be installed): Service and Namespace annotations and GatewayClass
	// parametersRef can then name them.
	InfraSettings bool
	// RetryInvalid is how long to wait before looking again at an object
	// whose spec cannot be served (it is also looked at on every change).
	RetryInvalid time.Duration
	// ResyncPeriod is how often every programmed Set is compared with the
	// controller (bulk, paged lists; no write when converged) so objects
	// changed or deleted out of band are repaired; zero disables it.
	ResyncPeriod time.Duration
	// MaxBackoff caps the per-object retry delay after a failure, so a
	// long outage is recovered from within about this long; zero keeps
	// controller-runtime's default limiter.
	MaxBackoff time.Duration

	resync *Resync // set by Setup
	// cache reads unstructured objects (AviInfraSettings) from the
	// manager's informers; Setup sets it, nil reads through Client.
	cache client.Reader
}

// Scheme returns the API types the operator reads and writes: the
// Kubernetes built-ins and Gateway API v1.
func Scheme() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(gatewayv1.Install(s))
	return s
}

// programmedKey reads the AnnotationProgrammed of an object.
func programmedKey(annotations map[string]string) (apply.Key, bool) {
	v, ok := annotations[AnnotationProgrammed]
	if !ok {
		return apply.Key{}, false
	}
	var k apply.Key
	if err := json.Unmarshal([]byte(v), &k); err != nil || k.Name == "" {
		return apply.Key{}, false
	}
	return k, true
}

func programmedValue(k apply.Key) string {
	b, _ := json.Marshal(k)
	return string(b)
}

// applyTimed applies a Set and records the latency.
func (c *Config) applyTimed(ctx context.Context, set *aviobj.Set) (*apply.Result, error) {
	start := time.Now()
	res, err := c.Applier.Apply(ctx, set)
	c.Metrics.observeApply(time.Since(start), err)
	return res, err
}

// deleteKey removes programmed objects and records the latency.
func (c *Config) deleteKey(ctx context.Context, k apply.Key) error {
	start := time.Now()
	_, err := c.Applier.DeleteKey(ctx, k)
	c.Metrics.observeApply(time.Since(start), err)
	return err
}

// namespace returns the Namespace named name from the cache, or nil.
func (c *Config) namespace(ctx context.Context, name string) *corev1.Namespace {
	var ns corev1.Namespace
	if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return nil
	}
	return &ns
}

func logFor(ctx context.Context) logr.Logger { return logr.FromContextOrDiscard(ctx) }

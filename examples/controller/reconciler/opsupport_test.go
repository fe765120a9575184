package reconciler_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// apiCounter counts the operator's requests to the API server by kind of
// request: "list", "watch", "get", "create", "update", "delete", "patch",
// and "discovery" for /api and /apis documents.
type apiCounter struct {
	mu     sync.Mutex
	counts map[string]int
	paths  map[string]int // "verb path", for failure messages
}

func newAPICounter() *apiCounter {
	return &apiCounter{counts: map[string]int{}, paths: map[string]int{}}
}

func (c *apiCounter) wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		verb := classify(r)
		c.mu.Lock()
		c.counts[verb]++
		c.paths[verb+" "+r.URL.Path]++
		c.mu.Unlock()
		return rt.RoundTrip(r)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// classify names a request: a GET of a collection is a list (or a watch
// with watch=true), of a named object a get.
func classify(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	// /api/v1/... or /apis/group/version/...
	var rest []string
	switch {
	case len(segs) >= 2 && segs[0] == "api":
		rest = segs[2:]
	case len(segs) >= 3 && segs[0] == "apis":
		rest = segs[3:]
	}
	if len(rest) == 0 {
		return "discovery"
	}
	switch r.Method {
	case http.MethodGet:
		if r.URL.Query().Get("watch") == "true" {
			return "watch"
		}
		if len(rest) == 1 || len(rest) == 3 && rest[0] == "namespaces" {
			return "list"
		}
		return "get"
	case http.MethodPost:
		return "create"
	case http.MethodPut:
		return "update"
	}
	return strings.ToLower(r.Method)
}

// snapshot returns the counts and the paths of one kind of request.
func (c *apiCounter) snapshot(verb string) (int, []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var paths []string
	for p, n := range c.paths {
		if strings.HasPrefix(p, verb+" ") && n > 0 {
			paths = append(paths, p)
		}
	}
	return c.counts[verb], paths
}

func (c *apiCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

func (c *apiCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.counts)
	clear(c.paths)
}

// countingApplier records the name of every Set applied.
type countingApplier struct {
	reconciler.Applier
	mu      sync.Mutex
	applied map[string]int
}

func (a *countingApplier) Apply(ctx context.Context, set *aviobj.Set) (*apply.Result, error) {
	a.mu.Lock()
	a.applied[apply.KeyOf(set).Name]++
	a.mu.Unlock()
	return a.Applier.Apply(ctx, set)
}

func (a *countingApplier) count(name string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.applied[name]
}

func (a *countingApplier) snapshot() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return maps.Clone(a.applied)
}

// readRecorder is the reconcilers' client, recording for each object read
// with Get the newest resourceVersion seen and how many Sets had been
// applied by then: a test can tell that a reconcile saw its change and
// went on to apply.
type readRecorder struct {
	ctrlclient.Client
	applier *countingApplier
	mu      sync.Mutex
	reads   map[string]readMark
}

type readMark struct {
	rv      int64
	applied map[string]int // countingApplier.applied when read
}

func readKey(obj ctrlclient.Object, key ctrlclient.ObjectKey) string {
	return fmt.Sprintf("%T %s", obj, key)
}

func (r *readRecorder) Get(ctx context.Context, key ctrlclient.ObjectKey, obj ctrlclient.Object, opts ...ctrlclient.GetOption) error {
	err := r.Client.Get(ctx, key, obj, opts...)
	if err == nil {
		rv, _ := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
		applied := r.applier.snapshot()
		r.mu.Lock()
		if m := r.reads[readKey(obj, key)]; rv >= m.rv {
			r.reads[readKey(obj, key)] = readMark{rv: rv, applied: applied}
		}
		r.mu.Unlock()
	}
	return err
}

func (r *readRecorder) mark(obj ctrlclient.Object) readMark {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reads[readKey(obj, ctrlclient.ObjectKeyFromObject(obj))]
}

// instrumented is an operator whose API requests, reads and applies are
// counted.
type instrumented struct {
	*operator
	api     *apiCounter
	applier *countingApplier
	reads   *readRecorder
}

// operatorSettings are what startInstrumented changes from startOperator.
type operatorSettings struct {
	// restConfig is the API server to use; nil means the suite's, as the
	// operator's ServiceAccount.
	restConfig *rest.Config
	// namespaces limits the cache (nil: every namespace).
	namespaces []string
	maxBackoff time.Duration
	// infraSettings turns on reading AviInfraSettings (their CRD must be
	// installed).
	infraSettings bool
}

// startInstrumented runs the reconcilers like startOperator, counting the
// manager's API requests and the Sets applied.
func startInstrumented(t *testing.T, s operatorSettings, opts l4.Options, fake *avitest.Server) *instrumented {
	t.Helper()
	in := &instrumented{api: newAPICounter()}
	in.operator = launch(t, launchSpec{
		restConfig:    s.restConfig,
		namespaces:    s.namespaces,
		infraSettings: s.infraSettings,
		hooks: operatorHooks{
			rest: func(cfg *rest.Config) {
				cfg.QPS, cfg.Burst = 500, 1000
				cfg.Wrap(in.api.wrap)
			},
			config: func(rc *reconciler.Config) { rc.MaxBackoff = s.maxBackoff },
		},
		applier: func(a reconciler.Applier) reconciler.Applier {
			in.applier = &countingApplier{Applier: a, applied: map[string]int{}}
			return in.applier
		},
		client: func(c ctrlclient.Client) ctrlclient.Client {
			in.reads = &readRecorder{Client: c, applier: in.applier, reads: map[string]readMark{}}
			return in.reads
		},
	}, opts, fake)
	return in
}

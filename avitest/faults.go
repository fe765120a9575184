package avitest

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/avil4/avil4/aviobj"
)

// Request describes a request to the fake, as a FaultFunc sees it.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path ("/login", "/api/pool/pool-1").
	Path string
	// Kind is the object type of an /api/ path ("pool"); "" otherwise.
	Kind aviobj.Kind
	// UUID is the object uuid of an /api/<kind>/<uuid> path.
	UUID string
	// List is true for a GET of a collection (one per page).
	List bool
	// Tenant is the X-Avi-Tenant header.
	Tenant string
	// Seq numbers the /api/ requests of the server from 1 (0 for others).
	Seq int
}

// Fault is what to do to one request instead of (or before) serving it
// normally. Several fields may be combined; they act in this order: Latency,
// ExpireSession, Drop, Hang, Stale, Status, DropAfterHandling.
type Fault struct {
	// Latency delays the request (then it is served, unless another field
	// says otherwise).
	Latency time.Duration
	// ExpireSession ends the caller's session before serving the request,
	// which therefore gets 401, as after an idle timeout.
	ExpireSession bool
	// Drop closes the connection without a reply and without serving the
	// request.
	Drop bool
	// Hang never replies: the request waits until the client gives up (or
	// the server closes) and is not served.
	Hang bool
	// Status, when non-zero, is the reply's status, with the body
	// {"error": Message}; the request is not served.
	Status int
	// Message is the error text of a Status reply ("" gives the status
	// text).
	Message string
	// DropAfterHandling serves the request (a write takes effect) and then
	// closes the connection without a reply: the client cannot know.
	DropAfterHandling bool
	// Stale makes a PUT or PATCH of an object fail as an update of stale
	// data does: another writer changes the object first (its
	// _last_modified moves) and the request gets 412 {"error": "Need to
	// reload object data <Type>"} without being served. Other requests
	// are served normally.
	Stale bool
}

// FaultFunc decides the fault of a request; nil (or a nil *Fault) lets the
// request through untouched. It may be called concurrently.
type FaultFunc func(Request) *Fault

// DefaultRandomFaults are the faults RandomFaults picks from when given none:
// 500, 502 and 503 replies, a hang (the client times out), an expired
// session, a connection dropped before and one dropped after handling.
func DefaultRandomFaults() []Fault {
	return []Fault{
		{Status: http.StatusInternalServerError},
		{Status: http.StatusBadGateway},
		{Status: http.StatusServiceUnavailable},
		{Hang: true},
		{ExpireSession: true},
		{Drop: true},
		{DropAfterHandling: true},
	}
}

// RandomFaults returns a FaultFunc that gives each /api/ request, with
// probability rate, one of faults (DefaultRandomFaults when empty) chosen
// uniformly. The choices are a function of seed and of the order in which
// requests arrive. Logins are never faulted.
func RandomFaults(seed uint64, rate float64, faults ...Fault) FaultFunc {
	if len(faults) == 0 {
		faults = DefaultRandomFaults()
	}
	var mu sync.Mutex
	rnd := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(r Request) *Fault {
		if r.Kind == "" {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if rnd.Float64() >= rate {
			return nil
		}
		f := faults[rnd.IntN(len(faults))]
		return &f
	}
}

// FailNth returns a FaultFunc that gives fault f to the n-th (1-based)
// /api/ request matching method and kind ("" matches any), and only to it.
func FailNth(method string, kind aviobj.Kind, n int, f Fault) FaultFunc {
	var mu sync.Mutex
	seen := 0
	return func(r Request) *Fault {
		if r.Kind == "" || (method != "" && r.Method != method) || (kind != "" && r.Kind != kind) {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen != n {
			return nil
		}
		return &f
	}
}

// StaleUpdates returns a FaultFunc that gives the first n PUTs or PATCHes
// of kind ("" matches any) the Stale fault: 412 "Need to reload object
// data", as a controller answers an update racing another writer.
func StaleUpdates(kind aviobj.Kind, n int) FaultFunc {
	var mu sync.Mutex
	seen := 0
	return func(r Request) *Fault {
		if r.UUID == "" || (r.Method != http.MethodPut && r.Method != http.MethodPatch) || (kind != "" && r.Kind != kind) {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if seen >= n {
			return nil
		}
		seen++
		return &Fault{Stale: true}
	}
}

// chain runs fault funcs in order; the first non-nil fault wins.
func chain(fns []FaultFunc) FaultFunc {
	switch len(fns) {
	case 0:
		return nil
	case 1:
		return fns[0]
	}
	return func(r Request) *Fault {
		for _, fn := range fns {
			if f := fn(r); f != nil {
				return f
			}
		}
		return nil
	}
}

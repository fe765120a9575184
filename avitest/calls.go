package avitest

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// Call identifies a kind of request to the /api/ object endpoints.
type Call struct {
	// Method is the HTTP method.
	Method string `json:"method"`
	// Kind is the object type ("pool").
	Kind aviobj.Kind `json:"kind"`
	// List is true for a GET of the collection (each page counts once);
	// false for a GET of one object by uuid.
	List bool `json:"list,omitempty"`
}

// String renders a call as "GET pool", "LIST pool", "POST vsvip".
func (c Call) String() string {
	if c.List {
		return "LIST " + string(c.Kind)
	}
	return c.Method + " " + string(c.Kind)
}

// Calls counts requests by Call. Every /api/ request that reaches the fake
// counts once, faulted or not, whatever its reply; /login and /logout do not
// count (see Server.Logins).
type Calls map[Call]int

// Total is the number of requests.
func (c Calls) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Method is the number of requests with the HTTP method (GET counts both
// object reads and list pages).
func (c Calls) Method(method string) int {
	n := 0
	for k, v := range c {
		if k.Method == method {
			n += v
		}
	}
	return n
}

// Lists is the number of list pages read.
func (c Calls) Lists() int {
	n := 0
	for k, v := range c {
		if k.List {
			n += v
		}
	}
	return n
}

// Writes is the number of POST, PUT, PATCH and DELETE requests.
func (c Calls) Writes() int {
	return c.Method(http.MethodPost) + c.Method(http.MethodPut) + c.Method(http.MethodPatch) + c.Method(http.MethodDelete)
}

// Kind returns the counts of one object type.
func (c Calls) Kind(kind aviobj.Kind) Calls {
	out := Calls{}
	for k, v := range c {
		if k.Kind == kind {
			out[k] = v
		}
	}
	return out
}

// String renders the counts sorted, e.g. "LIST pool=2 POST pool=3 POST vsvip=1".
func (c Calls) String() string {
	keys := make([]Call, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Kind != keys[j].Kind {
			return keys[i].Kind < keys[j].Kind
		}
		return keys[i].String() < keys[j].String()
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, c[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

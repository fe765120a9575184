package apply

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/avil4/avil4/aviobj"
)

// ownedFields returns the top-level JSON fields of an object's aviobj type:
// the fields avil4 owns on that kind. An update sets them (or removes them,
// when the Set leaves them unset, so the controller applies its default)
// and keeps every other field of the live object as it is.
func ownedFields(o aviobj.Object) map[string]bool {
	t := reflect.TypeOf(o).Elem()
	ownedMu.Lock()
	defer ownedMu.Unlock()
	if m, ok := owned[t]; ok {
		return m
	}
	m := map[string]bool{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = true
		}
	}
	// The controller sets these; they are not ours to send.
	for _, f := range []string{"uuid", "url", "_last_modified"} {
		delete(m, f)
	}
	owned[t] = m
	return m
}

var (
	ownedMu sync.Mutex
	owned   = map[reflect.Type]map[string]bool{}
)

// overlay returns the body of an update: the live object as the controller
// sent it (live, raw JSON), with the Set's fields (desired) put over it, so
// that fields aviobj does not model (an analytics policy, a DataScript set
// out of band...) keep their live values. url and _last_modified are
// dropped (the controller sets them). Without a usable live body it
// returns desired.
func overlay(live json.RawMessage, desired aviobj.Object) any {
	var base map[string]json.RawMessage
	if len(live) == 0 || json.Unmarshal(live, &base) != nil || base == nil {
		return desired
	}
	ours, err := json.Marshal(desired)
	if err != nil {
		return desired
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(ours, &top) != nil {
		return desired
	}
	delete(base, "url")
	delete(base, "_last_modified")
	for f := range ownedFields(desired) {
		if v, ok := top[f]; ok {
			base[f] = v
		} else {
			delete(base, f)
		}
	}
	return base
}

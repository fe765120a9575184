package avitest

import (
	"bytes"
	"testing"
)

// TestAppendViewIsMarshal: the reply encoder writes, for every object of a
// fake (system objects, and written ones with refs, lists of refs, nested
// objects, numbers and strings that need escaping), exactly the bytes
// json.Marshal writes for the rendered map, with and without include_name.
func TestAppendViewIsMarshal(t *testing.T) {
	s := New(WithTenants("t1"))
	defer s.Close()
	odd := "<a&b> \"q\" \\ \b\f\n\r\t \x01 \u2028 \u2029 é \xff end"
	if _, err := s.Seed("admin", "healthmonitor", map[string]any{"name": "hm <1>", "type": "HEALTH_MONITOR_TCP", "description": odd}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed("admin", "pool", map[string]any{"name": "p&1", "description": odd,
		"health_monitor_refs": []any{"/api/healthmonitor/?name=hm <1>", "/api/healthmonitor/?name=System-TCP"},
		"servers":             []any{map[string]any{"ip": map[string]any{"addr": "10.0.0.1", "type": "V4"}, "port": 80, "ratio": 2}},
		"markers":             []any{map[string]any{"key": "clustername", "values": []any{"c<1>", "x"}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed("admin", "vsvip", map[string]any{"name": "vip", "vip": []any{map[string]any{"auto_allocate_ip": true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed("t1", "pool", map[string]any{"name": "in-t1"}); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.objs {
		for _, withName := range []bool{false, true} {
			v := s.viewOf(o, withName)
			want := marshal(s.renderView(&v, withName))
			got := s.appendView(nil, &v, withName)
			if !bytes.Equal(got, want) {
				t.Errorf("%s %s (include_name %v):\n got %s\nwant %s", o.kind, o.name, withName, got, want)
			}
			n++
		}
	}
	if n < 40 {
		t.Errorf("only %d objects compared", n)
	}
}

// TestAppendStringIsMarshal: strings are escaped as json.Marshal does,
// invalid UTF-8 included.
func TestAppendStringIsMarshal(t *testing.T) {
	for _, str := range []string{"", "plain", "<>&", "\"\\/", "\x00\x1f\x7f", "\b\f\n\r\t", "\u2028\u2029", "é日本", "\xff\xfe", "a\xc3", "\xed\xa0\x80"} {
		if got, want := appendString(nil, str), marshal(str); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", str, got, want)
		}
	}
}

package avitest_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/avitest"
)

// listNames follows a list's next links and returns the names in order,
// checking that every page reports count.
func listNames(t *testing.T, r *raw, path string, count int) []string {
	t.Helper()
	var names []string
	for path != "" {
		page := decode(t, listBody(t, r, path))
		if got := int(page["count"].(float64)); got != count {
			t.Errorf("GET %s: count = %d, want %d", path, got, count)
		}
		for _, o := range page["results"].([]any) {
			names = append(names, o.(map[string]any)["name"].(string))
		}
		next, _ := page["next"].(string)
		path = ""
		if next != "" {
			u, err := url.Parse(next)
			if err != nil {
				t.Fatal(err)
			}
			path = u.RequestURI()
		}
	}
	return names
}

// TestListAfterWritesAndDeletes: lists are served in creation order from
// an index, and a write between two pages of one list shows in the next
// page, as it did when every page re-read the whole store; deleting more
// than half the objects (which compacts the index) keeps the order.
func TestListAfterWritesAndDeletes(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	var want []string
	for i := range 100 {
		n := fmt.Sprintf("p%03d", i)
		if _, err := s.Seed("admin", "pool", map[string]any{"name": n}); err != nil {
			t.Fatal(err)
		}
		want = append(want, n)
	}
	r := login(t, s)
	if diff := cmp.Diff(want, listNames(t, r, "/api/pool?page_size=7", 100)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}

	// A pool created between page 1 and page 2 moves the count and is
	// the last one listed.
	page1 := decode(t, listBody(t, r, "/api/pool?page_size=50"))
	if _, err := s.Seed("admin", "pool", map[string]any{"name": "late"}); err != nil {
		t.Fatal(err)
	}
	page2 := decode(t, listBody(t, r, "/api/pool?page_size=50&page=3"))
	if page1["count"].(float64) != 100 || page2["count"].(float64) != 101 {
		t.Errorf("counts %v then %v, want 100 then 101", page1["count"], page2["count"])
	}
	if res := page2["results"].([]any); len(res) != 1 || res[0].(map[string]any)["name"] != "late" {
		t.Errorf("page 3 = %v, want only late", res)
	}
	want = append(want, "late")

	// Delete every pool but each third: 67 of 101.
	var kept []string
	for i, n := range want {
		if i%3 == 0 {
			kept = append(kept, n)
			continue
		}
		if err := s.Remove("admin", "pool", n); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff(kept, listNames(t, r, "/api/pool?page_size=10", len(kept))); diff != "" {
		t.Errorf("after deletes, names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(kept[1:2], listNames(t, r, "/api/pool?name="+kept[1], 1)); diff != "" {
		t.Errorf("name filter (-want +got):\n%s", diff)
	}
	// New objects come after the survivors.
	if _, err := s.Seed("admin", "pool", map[string]any{"name": "new"}); err != nil {
		t.Fatal(err)
	}
	got := listNames(t, r, "/api/pool?page_size=200", len(kept)+1)
	if len(got) == 0 || got[len(got)-1] != "new" {
		t.Errorf("the newest pool is not listed last: %v", got)
	}
	wantNames := append(slices.Clone(kept), "new")
	slices.Sort(wantNames)
	if diff := cmp.Diff(wantNames, s.Names("admin", "pool")); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
}

// TestSlowBodyBlocksNobody: the fake holds its lock only around the store,
// not while it reads a request body, so a client uploading slowly does not
// stop the others (before, a POST held the lock from its first byte).
func TestSlowBodyBlocksNobody(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/api/pool", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Avi-Version", "20.1.1")
	req.Header.Set("Referer", s.URL()+"/")
	req.Header.Set("X-CSRFToken", r.csrf)
	req.AddCookie(&http.Cookie{Name: "csrftoken", Value: r.csrf})
	req.AddCookie(&http.Cookie{Name: "sessionid", Value: r.sid})
	done := make(chan int, 1)
	go func() {
		resp, err := s.HTTPClient().Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	if _, err := pw.Write([]byte(`{"name": "slow",`)); err != nil {
		t.Fatal(err)
	}
	// The POST is now inside the fake, reading its body. Another client
	// lists, reads and writes; a deadline only guards against a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other := login(t, s)
	other.hc = &http.Client{Transport: s.HTTPClient().Transport}
	reqCtx := func(method, path, body string) int {
		q, _ := http.NewRequestWithContext(ctx, method, s.URL()+path, strings.NewReader(body))
		q.Header.Set("Content-Type", "application/json")
		q.Header.Set("X-Avi-Version", "20.1.1")
		q.Header.Set("Referer", s.URL()+"/")
		q.Header.Set("X-CSRFToken", other.csrf)
		q.AddCookie(&http.Cookie{Name: "csrftoken", Value: other.csrf})
		q.AddCookie(&http.Cookie{Name: "sessionid", Value: other.sid})
		resp, err := other.hc.Do(q)
		if err != nil {
			t.Fatalf("%s %s while a body is being read: %v", method, path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := reqCtx("GET", "/api/pool", ""); code != 200 {
		t.Errorf("list: %d", code)
	}
	if code := reqCtx("POST", "/api/pool", `{"name": "quick"}`); code != 201 {
		t.Errorf("create: %d", code)
	}
	if _, err := pw.Write([]byte(` "description": "at last"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if code := <-done; code != 201 {
		t.Errorf("slow create: %d", code)
	}
	if diff := cmp.Diff([]string{"quick", "slow"}, s.Names("admin", "pool")); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
}

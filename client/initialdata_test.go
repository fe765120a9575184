package client_test

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/avil4/avil4/client"
)

// versionlessController is a minimal controller whose login reply carries
// no version (as some releases and proxies answer), so that a client must
// read it from /api/initial-data. It records the X-Avi-Version of every
// /api/ request.
type versionlessController struct {
	initialData string // the body of /api/initial-data

	mu       sync.Mutex
	initial  int      // GETs of /api/initial-data
	versions []string // X-Avi-Version of every other /api/ request
}

func (f *versionlessController) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/login":
		http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "tok", Path: "/"})
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "sid", Path: "/"})
		// No "version" object; the edition comes with system_config.
		_, _ = w.Write([]byte(`{"user_initialized":true,"system_config":{"default_license_tier":"ENTERPRISE"}}`))
	case "/api/initial-data":
		f.mu.Lock()
		f.initial++
		f.mu.Unlock()
		_, _ = w.Write([]byte(f.initialData))
	case "/api/pool":
		f.mu.Lock()
		f.versions = append(f.versions, r.Header.Get("X-Avi-Version"))
		f.mu.Unlock()
		_, _ = w.Write([]byte(`{"count":0,"results":[]}`))
	default:
		http.NotFound(w, r)
	}
}

func TestControllerVersionFromInitialData(t *testing.T) {
	tests := []struct {
		name, initialData, fixed string
		want                     client.Info
		wantErr                  bool
	}{
		{name: "older controller: its own version", initialData: `{"version":{"Version":"21.1.4"}}`,
			want: client.Info{Version: "21.1.4", APIVersion: "21.1.4", Edition: client.EditionEnterprise}},
		{name: "newer controller: capped", initialData: `{"version":{"Version":"31.1.1"}}`,
			want: client.Info{Version: "31.1.1", APIVersion: client.MaxVersion, Edition: client.EditionEnterprise}},
		{name: "Options.Version wins", initialData: `{"version":{"Version":"31.1.1"}}`, fixed: "22.1.3",
			want: client.Info{Version: "31.1.1", APIVersion: "22.1.3", Edition: client.EditionEnterprise}},
		{name: "no version there either", initialData: `{"user_initialized":true}`, wantErr: true},
		{name: "unsendable version", initialData: `{"version":{"Version":"22.1.3\r\nX: y"}}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctl := &versionlessController{initialData: tt.initialData}
			ts := httptest.NewTLSServer(ctl)
			defer ts.Close()
			pool := x509.NewCertPool()
			pool.AddCert(ts.Certificate())
			c, err := client.New(client.Options{URL: ts.URL, Username: "admin", Password: "pw", CAPool: pool, Version: tt.fixed})
			if err != nil {
				t.Fatal(err)
			}
			info, err := c.Controller(ctx)
			if tt.wantErr {
				var de *client.DecodeError
				if !errors.As(err, &de) || de.Path != "/api/initial-data" {
					t.Fatalf("Controller() = %+v, %v; want a *DecodeError for /api/initial-data", info, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info != tt.want {
				t.Errorf("Controller() = %+v, want %+v", info, tt.want)
			}
			// Read once per session; later requests speak the version learned.
			if again, err := c.Controller(ctx); err != nil || again != tt.want {
				t.Errorf("second Controller() = %+v, %v", again, err)
			}
			var list json.RawMessage
			if err := c.Do(ctx, http.MethodGet, "/api/pool", nil, nil, &list); err != nil {
				t.Fatal(err)
			}
			ctl.mu.Lock()
			defer ctl.mu.Unlock()
			if ctl.initial != 1 {
				t.Errorf("%d GETs of /api/initial-data, want 1", ctl.initial)
			}
			if len(ctl.versions) != 1 || ctl.versions[0] != tt.want.APIVersion {
				t.Errorf("X-Avi-Version sent after learning: %q, want %q", ctl.versions, tt.want.APIVersion)
			}
			if c.Version() != tt.want.APIVersion || c.ControllerVersion() != tt.want.Version {
				t.Errorf("Version() = %q, ControllerVersion() = %q", c.Version(), c.ControllerVersion())
			}
		})
	}
}

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/examples/controller/reconciler"
)

func TestParseFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "fake controller needs nothing else", args: []string{"--fake-controller"}},
		{name: "a real controller needs credentials", args: []string{"--avi-controller", "https://avi"}, wantErr: "--avi-username"},
		{name: "options are validated", args: []string{"--fake-controller", "--mode", "HostPort"}, wantErr: `options.backendMode: Unsupported value: "HostPort"`},
		{name: "BGP labels need RHI", args: []string{"--fake-controller", "--bgp-peer-label", "a,b"}, wantErr: "options.bgpPeerLabels"},
		{name: "unknown flag", args: []string{"--nope"}, wantErr: "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFlags(tc.args)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			case tc.wantErr == "" && (f.opts.ClusterName != "cluster" || f.opts.DefaultLBController == nil || !*f.opts.DefaultLBController):
				t.Fatalf("defaults not applied: %+v", f.opts)
			}
		})
	}
}

// TestInsecureHTTPFlag: an http:// --avi-controller is refused unless
// --avi-insecure-http is given.
func TestInsecureHTTPFlag(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"--avi-controller", "http://127.0.0.1:1", "--avi-username", "admin", "--avi-password-file", pw}
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr error
	}{
		{"http-refused", base, client.ErrInsecureURL},
		{"http-opted-in", append(append([]string(nil), base...), "--avi-insecure-http"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseFlags(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			c, closeAvi, err := aviClient(f, reconciler.NewMetrics(prometheus.NewRegistry()), logr.Discard())
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) || (err == nil) != (c != nil) {
				t.Fatalf("aviClient = %v, %v; want %v", c, err, tc.wantErr)
			}
			if closeAvi != nil {
				closeAvi()
			}
		})
	}
}

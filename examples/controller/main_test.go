package main

import (
	"strings"
	"testing"
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

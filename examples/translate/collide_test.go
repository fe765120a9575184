package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// testSet is a Set named vs in tenant with one pool per name in pools and
// a custom monitor per name in monitors.
func testSet(tenant, vs string, pools []string, monitors ...string) *aviobj.Set {
	s := &aviobj.Set{Tenant: tenant, VsVip: &aviobj.VsVip{Name: vs}, L4PolicySet: &aviobj.L4PolicySet{Name: vs},
		VirtualService: &aviobj.VirtualService{Name: vs}}
	for _, p := range pools {
		s.Pools = append(s.Pools, aviobj.Pool{Name: p})
	}
	for _, m := range monitors {
		s.HealthMonitors = append(s.HealthMonitors, aviobj.HealthMonitor{Name: m})
	}
	return s
}

func TestFindCollisions(t *testing.T) {
	key := func(tenant string, kind aviobj.Kind, name string) objectKey {
		return objectKey{tenant: tenant, kind: kind, name: name}
	}
	for _, tc := range []struct {
		name   string
		claims []claim
		want   []collision
	}{
		{
			name: "distinct names",
			claims: []claim{
				{owner: "Service a/x", set: testSet("admin", "c--a-x", []string{"c--a-x-TCP-80"})},
				{owner: "Service a/y", set: testSet("admin", "c--a-y", []string{"c--a-y-TCP-80"})},
			},
		},
		{
			name: "same VirtualService name: the later claim collides, on its VirtualService first",
			claims: []claim{
				{owner: "Service a-b/c", set: testSet("admin", "c--a-b-c", []string{"c--a-b-c-SCTP-1"})},
				{owner: "Service a/b-c", set: testSet("admin", "c--a-b-c", []string{"c--a-b-c-TCP-2"})},
			},
			want: []collision{{index: 1, first: 0, key: key("admin", aviobj.KindVirtualService, "c--a-b-c")}},
		},
		{
			name: "same names in different tenants do not collide",
			claims: []claim{
				{owner: "Service a-b/c", set: testSet("admin", "c--a-b-c", nil)},
				{owner: "Service a/b-c", set: testSet("telco", "c--a-b-c", nil)},
			},
		},
		{
			name: "only a pool collides",
			claims: []claim{
				{owner: "Service edge/a-b", set: testSet("admin", "c--edge-a-b", []string{"c--edge-a-b-TCP-80"})},
				{owner: "shared-VIP group edge/b", set: testSet("admin", "c--edge-b", []string{"c--edge-x-b-UDP-53", "c--edge-a-b-TCP-80"})},
			},
			want: []collision{{index: 1, first: 0, key: key("admin", aviobj.KindPool, "c--edge-a-b-TCP-80")}},
		},
		{
			name: "only a health monitor collides",
			claims: []claim{
				{owner: "Service a/x", set: testSet("admin", "c--a-x", nil, "hm")},
				{owner: "Service a/y", set: testSet("admin", "c--a-y", nil, "hm")},
			},
			want: []collision{{index: 1, first: 0, key: key("admin", aviobj.KindHealthMonitor, "hm")}},
		},
		{
			name: "a dropped claim claims nothing: a third one colliding only with it is kept",
			claims: []claim{
				{owner: "Service a/x", set: testSet("admin", "c--a-x", []string{"p1"})},
				{owner: "Service a/y", set: testSet("admin", "c--a-y", []string{"p1", "p2"})},
				{owner: "Service a/z", set: testSet("admin", "c--a-z", []string{"p2"})},
			},
			want: []collision{{index: 1, first: 0, key: key("admin", aviobj.KindPool, "p1")}},
		},
		{
			name: "every later claim is compared with the first that holds the name",
			claims: []claim{
				{owner: "Gateway core/ran", set: testSet("admin", "c--core-ran", nil)},
				{owner: "Service core/ran", set: testSet("admin", "c--core-ran", nil)},
				{owner: "shared-VIP group core/ran", set: testSet("admin", "c--core-ran", nil)},
			},
			want: []collision{
				{index: 1, first: 0, key: key("admin", aviobj.KindVirtualService, "c--core-ran")},
				{index: 2, first: 0, key: key("admin", aviobj.KindVirtualService, "c--core-ran")},
			},
		},
		{
			name: "claims without a Set take no part",
			claims: []claim{
				{owner: "Service a/x"},
				{owner: "Service a/y", set: testSet("admin", "c--a-y", nil)},
				{owner: "Service a/z"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := findCollisions(tc.claims)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(collision{}, objectKey{})); diff != "" {
				t.Errorf("collisions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCollisionFieldError(t *testing.T) {
	path := field.NewPath("metadata", "name")
	claims := []claim{
		{owner: "Service a-b/c", where: "in.yaml document 1"},
		{owner: "Service a/b-c", where: "in.yaml document 2"},
		{owner: "Service a-b/c", where: "in.yaml document 3"},
	}
	for _, tc := range []struct {
		name string
		c    collision
		want *field.Error
	}{
		{
			name: "two objects",
			c:    collision{index: 1, first: 0, key: objectKey{tenant: "admin", kind: aviobj.KindVirtualService, name: "c--a-b-c"}},
			want: field.Invalid(path, "b-c", `Avi virtualservice "c--a-b-c" is already the name of Service a-b/c's objects; rename one of them`),
		},
		{
			name: "another tenant than admin is named",
			c:    collision{index: 1, first: 0, key: objectKey{tenant: "telco", kind: aviobj.KindPool, name: "p"}},
			want: field.Invalid(path, "b-c", `Avi pool "p" in tenant "telco" is already the name of Service a-b/c's objects; rename one of them`),
		},
		{
			name: "one object given twice",
			c:    collision{index: 2, first: 0, key: objectKey{tenant: "admin", kind: aviobj.KindVirtualService, name: "c--a-b-c"}},
			want: &field.Error{Type: field.ErrorTypeDuplicate, Field: "metadata.name", BadValue: "b-c",
				Detail: "Service a-b/c is given twice (first in in.yaml document 1); only the first is applied"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.c.fieldError(claims, path, "b-c")); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDropCollisionsInputOrder: claims are compared in input order (seq),
// not in translation order, and refused where their kind reports errors.
func TestDropCollisionsInputOrder(t *testing.T) {
	var refused []string
	mk := func(owner string, seq int) rankedClaim {
		return rankedClaim{claim: claim{owner: owner, where: owner, set: testSet("admin", "c--core-ran", nil)}, seq: seq,
			refuse: func(c collision, claims []claim) *field.Error {
				refused = append(refused, owner+" after "+claims[c.first].owner)
				return field.Invalid(field.NewPath("metadata", "name"), "ran", "collides")
			}}
	}
	// Translation order: the Service, then the group, then the Gateway;
	// input order: the Gateway (0), the Service (1), the group (2).
	claims, lines := dropCollisions([]rankedClaim{mk("Service core/ran", 1), mk("shared-VIP group core/ran", 2), mk("Gateway core/ran", 0)})
	if diff := cmp.Diff([]string{"Service core/ran after Gateway core/ran", "shared-VIP group core/ran after Gateway core/ran"}, refused); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
	var kept []string
	for _, c := range claims {
		if c.set != nil {
			kept = append(kept, c.owner)
		}
	}
	if diff := cmp.Diff([]string{"Gateway core/ran"}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	want := []string{
		`Service core/ran (Service core/ran) is not applied: metadata.name: Invalid value: "ran": collides`,
		`shared-VIP group core/ran (shared-VIP group core/ran) is not applied: metadata.name: Invalid value: "ran": collides`,
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("stderr lines (-want +got):\n%s", diff)
	}
}

package apply_test

import (
	"context"
	"strings"
	"testing"
)

// TestRepairKeepsUnmodelledFields: fields avil4 does not model, set out of
// band on a VirtualService (an analytics policy, delay_fairness), survive
// the repair of a field it owns; the plan shows only the owned field.
func TestRepairKeepsUnmodelledFields(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80))
	if _, err := e.a.Apply(ctx, set); err != nil {
		t.Fatal(err)
	}
	if err := e.fake.Edit("admin", "virtualservice", set.VirtualService.Name, func(o map[string]any) {
		o["delay_fairness"] = true
		o["analytics_policy"] = map[string]any{"full_client_logs": map[string]any{"enabled": true, "duration": 30}}
		o["enabled"] = false // ours: to be repaired
	}); err != nil {
		t.Fatal(err)
	}
	ch, err := e.a.Plan(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Update) != 1 || !strings.Contains(ch.Update[0].Diff, "Enabled") ||
		strings.Contains(ch.Update[0].Diff, "delay_fairness") || strings.Contains(ch.Update[0].Diff, "nalytics") {
		t.Fatalf("plan %v, want one update of enabled only", ch)
	}
	if _, err := e.a.Apply(ctx, set); err != nil {
		t.Fatal(err)
	}
	var live map[string]any
	if ok, err := e.fake.Decode("admin", "virtualservice", set.VirtualService.Name, &live); !ok || err != nil {
		t.Fatal(ok, err)
	}
	logs, _ := live["analytics_policy"].(map[string]any)["full_client_logs"].(map[string]any)
	if live["enabled"] != true || live["delay_fairness"] != true || logs["enabled"] != true {
		t.Errorf("after the repair: enabled %v, delay_fairness %v, analytics_policy %v", live["enabled"], live["delay_fairness"], live["analytics_policy"])
	}
	if ch, err := e.a.Plan(ctx, set); err != nil || ch.HasChanges() {
		t.Errorf("Plan after the repair = %v, %v; want no changes", ch, err)
	}
}

package reconciler

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// ReasonDriftDetected is the reason of the Warning event that names an Avi
// object changed, deleted or left over out of band; the owner's reconcile
// then repairs it.
const ReasonDriftDetected = "DriftDetected"

// Resync is the drift repair: every Config.ResyncPeriod it translates every
// programmed object again from the cache (with the reconcilers' own
// translation), compares all the Sets with the controller in one bulk
// pass (apply.Applier.PlanAll: paged lists, no write), and for each Set
// that differs emits a Warning event per drifted Avi object on its owners,
// counts it (avil4_drift_repairs_total) and enqueues the owner, whose
// reconcile repairs the objects and derives the status again.
//
// Setup creates it and adds it to the manager (it runs on the leader only);
// Config.Resync returns it, e.g. for a test to call RunOnce.
type Resync struct {
	cfg     *Config
	mu      sync.Mutex // one pass at a time
	sources []*resyncSource
}

type resyncSource struct {
	kind string
	list SetSource
	ch   chan event.GenericEvent
}

// ProgrammedSet is one Set the resync compares with the controller.
type ProgrammedSet struct {
	// Owners are the Kubernetes objects the Set serves (the Service, the
	// members of a shared-VIP group, the Gateway): each gets the drift
	// events, and the first is handed to the reconciler to repair it.
	Owners []client.Object
	// Set is what the reconciler would apply now.
	Set *aviobj.Set
}

// SetSource lists, from the cache, the programmed Sets of one kind of
// object, translated exactly as that kind's reconciler translates them.
// Objects whose spec is refused, whose translation names other Avi objects
// than those programmed, or that are being deleted are left to their
// reconciler and not listed.
type SetSource func(ctx context.Context) ([]ProgrammedSet, error)

// ResyncResult is what one pass found.
type ResyncResult struct {
	// Checked is the number of Sets compared with the controller.
	Checked int `json:"checked"`
	// Drifted names the Sets that differed ("<tenant>/<name>").
	Drifted []string `json:"drifted,omitempty"`
	// Failed is the number of Sets that could not be compared (a collision,
	// a controller error); they are retried on the next pass.
	Failed int `json:"failed,omitempty"`
}

// Resync returns the drift repair Setup registered, or nil before Setup.
func (c *Config) Resync() *Resync { return c.resync }

func newResync(cfg *Config) *Resync {
	r := &Resync{cfg: cfg}
	cfg.resync = r
	return r
}

// Watch registers the Sets of one kind (kind names it in errors) and
// returns the source through which the owners of its drifted Sets are
// handed to h; add it to that kind's controller with WatchesRawSource.
// Setup wires Services, shared-VIP groups and Gateways this way, e.g.
//
//	gws.WatchesRawSource(resync.Watch("Gateway", cfg.gatewaySets, &handler.EnqueueRequestForObject{}))
//
// A kind whose controller is not set up is simply not watched.
func (r *Resync) Watch(kind string, list SetSource, h handler.EventHandler) source.Source {
	s := &resyncSource{kind: kind, list: list, ch: make(chan event.GenericEvent, 128)}
	r.mu.Lock()
	r.sources = append(r.sources, s)
	r.mu.Unlock()
	return source.Channel(s.ch, h)
}

// NeedLeaderElection makes the manager run the resync on the leader only.
func (r *Resync) NeedLeaderElection() bool { return true }

// Start runs a pass every Config.ResyncPeriod until ctx ends; a zero
// period disables the drift repair (Start returns at once).
func (r *Resync) Start(ctx context.Context) error {
	log := ctrl.Log.WithName("resync")
	if r.cfg.ResyncPeriod <= 0 {
		log.Info("drift repair disabled (zero resync period)")
		return nil
	}
	ctx = logr.NewContext(ctx, log)
	t := time.NewTicker(r.cfg.ResyncPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			res, err := r.RunOnce(ctx)
			if err != nil {
				log.Error(err, "drift repair pass failed", "checked", res.Checked)
				continue
			}
			log.V(1).Info("drift repair pass", "checked", res.Checked, "drifted", res.Drifted, "failed", res.Failed)
		}
	}
}

// RunOnce runs one pass now: list every source's Sets, plan them all in
// one bulk pass, and report and enqueue the drifted ones. It writes
// nothing to the controller, nor to the cluster but events. A Set that
// cannot be planned is logged and counted in Failed; the error is for a
// pass that compared nothing (a source failed, or the controller could
// not be read at all).
func (r *Resync) RunOnce(ctx context.Context) (ResyncResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var res ResyncResult
	var items []ProgrammedSet
	var chans []chan event.GenericEvent
	listCtx := withInfraMemo(ctx)
	for _, s := range r.sources {
		got, err := s.list(listCtx)
		if err != nil {
			r.cfg.Metrics.observeResync("error")
			return res, fmt.Errorf("listing programmed %ss: %w", s.kind, err)
		}
		for _, it := range got {
			items = append(items, it)
			chans = append(chans, s.ch)
		}
	}
	if len(items) == 0 {
		r.cfg.Metrics.observeResync("converged")
		return res, nil
	}
	sets := make([]*aviobj.Set, len(items))
	for i := range items {
		sets[i] = items[i].Set
	}
	plans, err := r.cfg.Applier.PlanAll(ctx, sets)
	failed := apply.FailedSets(err)
	if err != nil && len(failed) == 0 {
		r.cfg.Metrics.observeResync("error")
		return res, fmt.Errorf("planning %d Set(s): %w", len(sets), err)
	}
	for _, f := range failed {
		logFor(ctx).Error(f.Err, "comparing with the controller", "set", f.Tenant+"/"+f.Set)
	}
	res.Failed = len(failed)
	for i, ch := range plans {
		if ch == nil {
			continue
		}
		res.Checked++
		if !ch.HasChanges() {
			continue
		}
		res.Drifted = append(res.Drifted, ch.Tenant+"/"+ch.Set)
		for _, list := range [][]apply.Change{ch.Create, ch.Update, ch.Delete} {
			for _, c := range list {
				r.cfg.Metrics.observeDrift(string(c.Kind))
				note := truncate(driftMessage(c), maxEventNote)
				for _, o := range items[i].Owners {
					r.cfg.Recorder.Eventf(o, nil, corev1.EventTypeWarning, ReasonDriftDetected, "Resync", "%s", note)
				}
			}
		}
		if len(items[i].Owners) > 0 {
			select {
			case chans[i] <- event.GenericEvent{Object: items[i].Owners[0]}:
			case <-ctx.Done():
				return res, ctx.Err()
			}
		}
	}
	result := "converged"
	if len(res.Drifted) > 0 {
		result = "drift"
	}
	r.cfg.Metrics.observeResync(result)
	return res, nil
}

// driftMessage says what is wrong with one Avi object, naming its fields.
func driftMessage(c apply.Change) string {
	switch c.Action {
	case apply.ActionCreate:
		return fmt.Sprintf("Avi %s %q is missing on the controller (deleted out of band?); re-creating it.", c.Kind, c.Name)
	case apply.ActionDelete:
		return fmt.Sprintf("Avi %s %q is owned by this object but no longer part of its translation; deleting it.", c.Kind, c.Name)
	}
	fields, lines := diffFields(c.Diff)
	return fmt.Sprintf("Avi %s %q was changed out of band in %s (-desired +live: %s); restoring it.",
		c.Kind, c.Name, strings.Join(fields, ", "), strings.Join(lines, " "))
}

// diffFields reads a go-cmp diff ("-desired +live") of aviobj values and
// returns the changed fields, as Avi (JSON) paths such as
// services.port, and the changed lines, trimmed.
func diffFields(diff string) (fields, lines []string) {
	var stack []string // the field names of the enclosing lines, by depth
	seen := map[string]bool{}
	for _, raw := range strings.Split(diff, "\n") {
		// go-cmp starts each line with a mark ('-', '+' or a space) and a
		// space, either of which may be a no-break space.
		rs := []rune(raw)
		if len(rs) < 2 {
			continue
		}
		mark, body := rs[0], string(rs[2:])
		depth := len(body) - len(strings.TrimLeft(body, "\t"))
		body = strings.Join(strings.Fields(strings.ReplaceAll(body, "\u00a0", " ")), " ")
		name, _, hasName := strings.Cut(body, ":")
		hasName = hasName && name != "" && !strings.ContainsAny(name, " {}()[]\"&")
		if depth < len(stack) {
			stack = stack[:depth]
		}
		for len(stack) < depth {
			stack = append(stack, "")
		}
		if mark == '-' || mark == '+' {
			lines = append(lines, string(mark)+body)
			if hasName {
				var parts []string
				for _, p := range append(slices.Clone(stack), name) {
					if p != "" {
						parts = append(parts, jsonName(p))
					}
				}
				if f := strings.Join(parts, "."); !seen[f] {
					seen[f] = true
					fields = append(fields, f)
				}
			}
			continue
		}
		if hasName && strings.HasSuffix(body, "{") {
			stack = append(stack, name)
		} else if strings.HasSuffix(body, "{") {
			stack = append(stack, "")
		}
	}
	if len(fields) == 0 {
		fields = []string{"some field"}
	}
	return fields, lines
}

// jsonNames maps the Go field names of the aviobj types to their JSON
// (Avi API) names.
var jsonNames = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	var walk func(t reflect.Type)
	seen := map[reflect.Type]bool{}
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag != "" && tag != "-" {
				if _, ok := out[f.Name]; !ok {
					out[f.Name] = tag
				}
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[aviobj.Set]())
	return out
})

func jsonName(goName string) string {
	if n, ok := jsonNames()[goName]; ok {
		return n
	}
	return goName
}

// serviceSets lists the programmed dedicated Services.
func (c *Config) serviceSets(ctx context.Context) ([]ProgrammedSet, error) {
	var list corev1.ServiceList
	if err := c.Client.List(ctx, &list); err != nil {
		return nil, fmt.Errorf("listing Services: %w", err)
	}
	var out []ProgrammedSet
	for i := range list.Items {
		svc := &list.Items[i]
		key, ok := programmedKey(svc.Annotations)
		if !ok || !programmedHere(svc) {
			continue
		}
		tr, err := c.translateService(ctx, svc)
		if err != nil {
			return nil, err
		}
		if tr.res.Set != nil && apply.KeyOf(tr.res.Set).SameSet(key) {
			out = append(out, ProgrammedSet{Owners: []client.Object{svc}, Set: tr.res.Set})
		}
	}
	return out, nil
}

// groupSets lists the programmed shared-VIP groups: those a current member
// records (AnnotationSharedVIPGroup).
func (c *Config) groupSets(ctx context.Context) ([]ProgrammedSet, error) {
	var list corev1.ServiceList
	if err := c.Client.List(ctx, &list); err != nil {
		return nil, fmt.Errorf("listing Services: %w", err)
	}
	var groups []l4.SharedVIPGroup
	for i := range list.Items {
		svc := &list.Items[i]
		g, member := l4.SharedVIPGroupOf(svc)
		if member && svc.Annotations[AnnotationSharedVIPGroup] == g.Key && programmedHere(svc) && !containsGroup(groups, g) {
			groups = append(groups, g)
		}
	}
	var out []ProgrammedSet
	for _, g := range groups {
		tr, err := c.translateGroup(ctx, g)
		if err != nil {
			return nil, err
		}
		if tr.res.Set == nil {
			continue
		}
		ps := ProgrammedSet{Set: tr.res.Set}
		for _, m := range tr.res.Members {
			if m.Result.NotOurs == nil {
				ps.Owners = append(ps.Owners, m.Service)
			}
		}
		out = append(out, ps)
	}
	return out, nil
}

// gatewaySets lists the programmed Gateways.
func (c *Config) gatewaySets(ctx context.Context) ([]ProgrammedSet, error) {
	var list gatewayv1.GatewayList
	if err := c.Client.List(ctx, &list); err != nil {
		return nil, fmt.Errorf("listing Gateways: %w", err)
	}
	r := &GatewayReconciler{Config: c}
	var out []ProgrammedSet
	for i := range list.Items {
		gw := &list.Items[i]
		key, ok := programmedKey(gw.Annotations)
		if !ok || !programmedHere(gw) {
			continue
		}
		in, err := r.inputs(ctx, gw)
		if err != nil {
			return nil, err
		}
		if res := l4.TranslateGateway(in, c.Options); res.Set != nil && apply.KeyOf(res.Set).SameSet(key) {
			out = append(out, ProgrammedSet{Owners: []client.Object{gw}, Set: res.Set})
		}
	}
	return out, nil
}

// programmedHere: the object holds our finalizer and is not being deleted.
func programmedHere(o client.Object) bool {
	return o.GetDeletionTimestamp().IsZero() && controllerutil.ContainsFinalizer(o, Finalizer)
}

func containsGroup(gs []l4.SharedVIPGroup, g l4.SharedVIPGroup) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

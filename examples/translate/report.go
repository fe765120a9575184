package main

import (
	"fmt"
	"io"
	"sort"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/internal/manifest"
)

// verbosity says how much goes to stderr.
type verbosity int

const (
	quiet   verbosity = iota // errors and the summary only
	normal                   // plus a heading and an outcome line per object
	verbose                  // plus the per-object plan or apply lines
)

// subject is one translated Kubernetes object (a Service, a shared-VIP
// group, a Gateway) as stderr names it.
type subject struct {
	// kind is "Service", "shared-VIP group", "Gateway" or
	// "Gateway (networking.x-k8s.io/v1alpha1)".
	kind string
	// name is "namespace/name" (for a group "namespace/key").
	name string
	pos  manifest.Position
	// errs are its error messages, its own first, then its members' or
	// routes' (each prefixed with the member or route).
	errs     []string
	warnings []string
	notOurs  string
	// set is the setKey of its Set, "" when it has none.
	set string
}

// title is "Service core/amf (svc.yaml document 3)".
func (s subject) title() string {
	return fmt.Sprintf("%s %s (%s)", s.kind, s.name, s.pos)
}

// subjects lists the translated objects of out in input order.
func subjects(b *manifest.Bundle, out Output, claims []claim, groupPos []manifest.Position) []subject {
	var subs []subject
	msgs := func(errs []FieldError, prefix string) []string {
		var m []string
		for _, e := range errs {
			m = append(m, prefix+e.Message)
		}
		return m
	}
	for i, s := range out.Services {
		sub := subject{kind: "Service", name: s.Service, pos: position(b.Where.Services, i), errs: msgs(s.Errors, ""), warnings: s.Warnings}
		if s.NotOurs != nil {
			sub.notOurs = string(s.NotOurs.Reason)
		}
		subs = append(subs, sub)
	}
	for i, g := range out.SharedVIPs {
		sub := subject{kind: "shared-VIP group", name: g.Group, errs: msgs(g.Errors, ""), warnings: g.Warnings}
		if i < len(groupPos) {
			sub.pos = groupPos[i]
		}
		if g.NotOurs != nil {
			sub.notOurs = string(g.NotOurs.Reason)
		}
		for _, m := range g.Members {
			sub.errs = append(sub.errs, msgs(m.Errors, "member Service "+m.Service+": ")...)
			for _, w := range m.Warnings {
				sub.warnings = append(sub.warnings, "member Service "+m.Service+": "+w)
			}
		}
		subs = append(subs, sub)
	}
	for i, g := range out.Gateways {
		kind := "Gateway"
		pos := position(b.Where.Gateways, i)
		if li := i - len(b.Gateways); li >= 0 {
			kind = "Gateway (" + g.APIVersion + ")"
			pos = position(b.Where.LegacyGateways, li)
		}
		sub := subject{kind: kind, name: g.Gateway, pos: pos, errs: msgs(g.Errors, ""), warnings: g.Warnings}
		if g.NotOurs != nil {
			sub.notOurs = string(g.NotOurs.Reason)
		}
		for _, r := range g.Routes {
			sub.errs = append(sub.errs, msgs(r.Errors, r.Route+": ")...)
		}
		subs = append(subs, sub)
	}
	// claims are in the same order as subs: Services, groups, Gateways.
	for i := range subs {
		if i < len(claims) && claims[i].set != nil {
			subs[i].set = setKey(claims[i].set)
		}
	}
	sort.SliceStable(subs, func(a, c int) bool { return subs[a].pos.Seq < subs[c].pos.Seq })
	return subs
}

// applied is what the apply step did, by setKey.
type applied struct {
	results map[string]*apply.Result  // the first round's results
	plans   map[string]*apply.Changes // dry run
	failed  map[string]string         // why a Set failed
	where   string                    // the controller
}

// report writes a heading per subject and what became of it: its errors
// and warnings, and its plan or apply outcome (every object with -v).
// Quiet, it writes nothing: the summary names the failures.
func report(w io.Writer, subs []subject, ap applied, v verbosity) {
	if v == quiet {
		return
	}
	for _, s := range subs {
		if s.notOurs != "" && len(s.errs)+len(s.warnings) == 0 && v != verbose {
			continue // not ours and fine: only -v shows it
		}
		fmt.Fprintf(w, "== %s\n", s.title())
		if s.notOurs != "" {
			fmt.Fprintf(w, "  not ours: %s\n", s.notOurs)
		}
		for _, e := range s.errs {
			fmt.Fprintf(w, "  error: %s\n", e)
		}
		for _, m := range s.warnings {
			fmt.Fprintf(w, "  warning: %s\n", m)
		}
		if s.set == "" {
			continue
		}
		if why, ok := ap.failed[s.set]; ok {
			fmt.Fprintf(w, "  not applied: %s\n", why)
		}
		if p := ap.plans[s.set]; p != nil {
			fmt.Fprintf(w, "  plan for %s on %s: %d to create, %d to update, %d to delete, %d unchanged\n",
				s.set, ap.where, len(p.Create), len(p.Update), len(p.Delete), len(p.Unchanged))
			if v == verbose {
				fmt.Fprintf(w, "%s\n", indent(indent(p.String())))
			}
		}
		if r := ap.results[s.set]; r != nil {
			fmt.Fprintf(w, "  applied %s on %s: %d created, %d updated, %d unchanged, %d deleted",
				s.set, ap.where, r.Count(apply.Created), r.Count(apply.Updated), r.Count(apply.Unchanged), r.Count(apply.Deleted))
			if len(r.VIPs) > 0 {
				fmt.Fprintf(w, "; VIPs %v", r.VIPs)
			}
			fmt.Fprintln(w)
			if v == verbose {
				fmt.Fprintf(w, "%s\n", indent(indent(r.String())))
			}
		}
	}
}

// summary writes the closing lines: the counts, then one line per failing
// object (kind namespace/name, where it was read, its first error) and
// per document that could not be decoded, so that the summary alone finds
// every failure. It returns false when there was none.
func summary(w io.Writer, subs []subject, decodeErrs []*manifest.DocumentError, ap applied) bool {
	var failing []subject
	notApplied := 0
	for _, s := range subs {
		if len(s.errs) > 0 {
			failing = append(failing, s)
		} else if _, ok := ap.failed[s.set]; ok && s.set != "" {
			notApplied++
		}
	}
	var problems []string
	if n := len(decodeErrs); n > 0 {
		problems = append(problems, fmt.Sprintf("%d document(s) cannot be decoded", n))
	}
	if n := len(failing); n > 0 {
		problems = append(problems, fmt.Sprintf("%d object(s) have errors", n))
	}
	if notApplied > 0 {
		problems = append(problems, fmt.Sprintf("%d object(s) not applied", notApplied))
	}
	if len(problems) == 0 {
		return false
	}
	fmt.Fprintf(w, "translate: %s:\n", joinSemi(problems))
	for _, e := range decodeErrs {
		fmt.Fprintf(w, "  cannot decode %v\n", e)
	}
	for _, s := range failing {
		more := ""
		if n := len(s.errs) - 1; n > 0 {
			more = fmt.Sprintf(" (and %d more)", n)
		}
		fmt.Fprintf(w, "  %s: %s%s\n", s.title(), s.errs[0], more)
	}
	for _, s := range subs {
		if why, ok := ap.failed[s.set]; ok && s.set != "" && len(s.errs) == 0 {
			fmt.Fprintf(w, "  %s: not applied: %s\n", s.title(), why)
		}
	}
	return true
}

func joinSemi(s []string) string {
	out := ""
	for i, p := range s {
		if i > 0 {
			out += "; "
		}
		out += p
	}
	return out
}

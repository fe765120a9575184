package apply_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/gen"
)

// BenchmarkApply1000Services applies 1,000 three-port Services (TCP, UDP,
// SCTP; 3 endpoints each) to the fake controller answering every API call
// after 5 ms, in three phases: the first sync, a no-op resync and a resync
// after one Service changed one port. It reports, per phase, the API calls
// (writes and list pages) and the wall time. Run it with:
//
//	go test ./apply -run '^$' -bench Apply1000 -benchtime 1x
func BenchmarkApply1000Services(b *testing.B) {
	const services = 1000
	sets := make([]*aviobj.Set, services)
	for i := range sets {
		sets[i] = setFor(b, serviceInput("bench", fmt.Sprintf("svc-%04d", i), 3, tcp(80), udp(53), sctp(38412)))
	}
	changed := setFor(b, serviceInput("bench", "svc-0500", 3, tcp(80), udp(53), sctp(38413)))
	for _, conc := range []int{1, 16} {
		name := "sequential"
		if conc > 1 {
			name = fmt.Sprintf("concurrency=%d", conc)
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				fake := avitest.New(avitest.WithLatency(5 * time.Millisecond))
				c, err := client.New(client.Options{
					URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()), CAPool: fake.CertPool(),
				})
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Login(context.Background()); err != nil {
					b.Fatal(err)
				}
				a := apply.New(c, apply.Options{Concurrency: conc})
				b.StartTimer()

				phase := func(label string, sets []*aviobj.Set) {
					fake.ResetCalls()
					start := time.Now()
					if _, err := a.ApplyAll(context.Background(), sets); err != nil {
						b.Fatalf("%s: %v", label, err)
					}
					d := time.Since(start)
					calls := fake.Calls()
					b.ReportMetric(float64(calls.Method("POST")), label+"-POSTs")
					b.ReportMetric(float64(calls.Writes()), label+"-writes")
					b.ReportMetric(float64(calls.Lists()), label+"-lists")
					b.ReportMetric(float64(calls.Total()), label+"-calls")
					b.ReportMetric(d.Seconds(), label+"-s")
				}
				phase("first", sets)
				phase("noop", sets)
				next := append([]*aviobj.Set(nil), sets...)
				next[500] = changed
				phase("oneport", next)

				b.StopTimer()
				fake.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkApplySingleSet measures one Set applied with Apply (GETs by name,
// no bulk lists), with no injected latency: the cost of the read path and
// the semantic comparison of a no-op resync.
func BenchmarkApplySingleSet(b *testing.B) {
	fake := avitest.New()
	defer fake.Close()
	c, err := client.New(client.Options{
		URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()), CAPool: fake.CertPool(),
	})
	if err != nil {
		b.Fatal(err)
	}
	a := apply.New(c, apply.Options{})
	set := setFor(b, serviceInput("bench", "svc", 10, tcp(80), udp(53), sctp(38412)))
	if _, err := a.Apply(context.Background(), set); err != nil {
		b.Fatal(err)
	}
	fake.ResetCalls()
	b.ResetTimer()
	for range b.N {
		if _, err := a.Apply(context.Background(), set); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	calls := fake.Calls()
	b.ReportMetric(float64(calls.Total())/float64(b.N), "calls/op")
	b.ReportMetric(float64(calls.Writes())/float64(b.N), "writes/op")
}

// BenchmarkNoopResync applies, with ApplyAll at the default concurrency,
// the Sets of 100, 1,000 and 10,000 generated Services (3 ports, 10
// endpoints: 6 objects each) to a fake that already holds them: a no-op
// resync (zero writes, one paged list per object type). The fake runs in a
// child process (this test binary re-run, see startFakeChild), so the
// heap, RSS and CPU reported are the applier's own. Each size runs warm
// (an Applier that has resynced once already: an operator's steady state)
// and cold (a new Applier each op: the first resync after a restart, with
// nothing remembered). It reports the API
// calls and writes per resync; wall ns and CPU ns (user + system, all
// goroutines) per object; the live heap of the Sets (sets-MiB); the
// applier's peak heap beyond the Sets and the logged-in client:
// peak-live-MiB from the GC's live-heap measure, peak-inuse-MiB with
// uncollected garbage; and the process's peak RSS during the resyncs
// (Linux only). Run it with:
//
//	go test ./apply -run '^$' -bench NoopResync -benchmem -benchtime 3x
func BenchmarkNoopResync(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		for _, cold := range []bool{false, true} {
			name := "services=" + strconv.Itoa(n) + "/warm"
			if cold {
				name = "services=" + strconv.Itoa(n) + "/cold"
			}
			b.Run(name, func(b *testing.B) { benchNoopResync(b, n, cold) })
		}
	}
}

// benchNoopResync is BenchmarkNoopResync of n Services: warm, each op is
// a resync by an Applier that has synced before (the steady state of an
// operator); cold, by a new Applier (the first resync after a restart).
func benchNoopResync(b *testing.B, n int, cold bool) {
	fake := startFakeChild(b, n)
	before := gen.SampleHeap()()
	sets, err := genSets(n)
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.New(client.Options{
		URL: fake.hello.URL, Username: fake.hello.Username, Password: client.Password(fake.hello.Password), CAPool: fake.pool,
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Login(context.Background()); err != nil {
		b.Fatal(err)
	}
	base := gen.SampleHeap()() // the Sets and the logged-in client
	a := apply.New(c, apply.Options{})
	if !cold {
		if _, err := a.ApplyAll(context.Background(), sets); err != nil {
			b.Fatal(err)
		}
	}
	fake.reset(b)
	rss := resetPeakRSS()
	b.ReportAllocs()
	stop := gen.SampleHeap()
	cpu := cpuTime()
	b.ResetTimer()
	for range b.N {
		if cold {
			a = apply.New(c, apply.Options{})
		}
		if _, err := a.ApplyAll(context.Background(), sets); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu = cpuTime() - cpu
	h := stop()
	calls := fake.calls(b)
	objects := float64(b.N) * float64(6*n)
	b.ReportMetric(float64(calls.Total)/float64(b.N), "calls/op")
	b.ReportMetric(float64(calls.Writes)/float64(b.N), "writes/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/objects, "ns/object")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/objects, "cpu-ns/object")
	}
	b.ReportMetric(gen.MiB(base.Start-min(base.Start, before.Start)), "sets-MiB")
	// Beyond the Sets: what the Applier keeps between resyncs (its memo)
	// counts.
	b.ReportMetric(gen.MiB(h.PeakLive-min(h.PeakLive, base.Start)), "peak-live-MiB")
	b.ReportMetric(gen.MiB(h.PeakInUse-min(h.PeakInUse, base.Start)), "peak-inuse-MiB")
	if rss {
		b.ReportMetric(gen.MiB(peakRSS()), "peak-rss-MiB")
	}
	runtime.KeepAlive(sets)
}

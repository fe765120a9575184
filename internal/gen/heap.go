package gen

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Heap is what SampleHeap saw, in bytes.
type Heap struct {
	// Start is the live heap when sampling started (after a GC).
	Start uint64
	// PeakLive is the largest live heap a GC measured while sampling
	// (/gc/heap/live:bytes).
	PeakLive uint64
	// PeakInUse is the largest heap in use sampled, garbage not yet
	// collected included (/memory/classes/heap/objects:bytes).
	PeakInUse uint64
}

// SampleHeap runs a GC, then samples the heap (runtime/metrics) every
// millisecond until the returned function is called; that function
// returns what it saw. Benchmarks use it to report peak heap beside
// -benchmem's allocation counts.
func SampleHeap() (stop func() Heap) {
	runtime.GC()
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(samples)
	h := Heap{Start: samples[0].Value.Uint64()}
	var (
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	read := func() {
		metrics.Read(samples)
		h.PeakLive = max(h.PeakLive, samples[0].Value.Uint64())
		h.PeakInUse = max(h.PeakInUse, samples[1].Value.Uint64())
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				read()
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() Heap {
		close(done)
		wg.Wait()
		return h
	}
}

// MiB converts bytes to mebibytes, for b.ReportMetric.
func MiB(n uint64) float64 { return float64(n) / (1 << 20) }

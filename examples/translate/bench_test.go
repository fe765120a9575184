package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avil4/avil4/internal/gen"
)

// benchInput writes a generated manifest of n Services (3 ports, 10
// endpoints) and returns its path.
func benchInput(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), strconv.Itoa(n)+".yaml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.WriteYAML(f, gen.Config{Services: n}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// peakHeap samples the live heap (runtime/metrics) every millisecond
// until stop is called, and returns the highest value seen.
func peakHeap() (stop func() uint64) {
	var (
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
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
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// benchRun runs the command once, its output discarded, and fails on an exit
// code other than 0.
func benchRun(b *testing.B, args ...string) {
	var stderr strings.Builder
	if code := runWith(args, nil, io.Discard, &stderr, hooks{}); code != exitOK {
		b.Fatalf("exit %d: %s", code, tail(stderr.String()))
	}
}

// BenchmarkTranslateCommand runs the translate command (decode, translate,
// collision check, JSON output) on a generated manifest of 100, 1,000 and
// 10,000 Services, without a controller (--no-apply). It reports ns per
// Service, to show how the cost grows, and the peak live heap. Run it with:
//
//	go test ./examples/translate -run '^$' -bench TranslateCommand -benchmem -benchtime 1x
func BenchmarkTranslateCommand(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run("services="+strconv.Itoa(n), func(b *testing.B) {
			path := benchInput(b, n)
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			stop := peakHeap()
			for range b.N {
				benchRun(b, "-f", path, "--no-apply")
			}
			peak := stop()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/service")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkTranslateApplyFake is BenchmarkTranslateCommand applying the
// Sets to the embedded fake controller (two rounds: the first creates
// every object, the second writes nothing).
func BenchmarkTranslateApplyFake(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run("services="+strconv.Itoa(n), func(b *testing.B) {
			path := benchInput(b, n)
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			stop := peakHeap()
			for range b.N {
				benchRun(b, "-f", path)
			}
			peak := stop()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/service")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

package ingest

import (
	"context"
	"runtime"
	"testing"
)

// TestPeakHeapBounded streams 1M and then 4M generated rows through the
// Reader and checks that the peak heap does not grow with the input: the
// reader holds one buffer and one batch, whatever the size of the file.
func TestPeakHeapBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 5M rows")
	}
	p1 := peakHeap(t, 1_000_000)
	p4 := peakHeap(t, 4_000_000)
	t.Logf("peak HeapInuse: %.2f MiB for 1M rows, %.2f MiB for 4M rows", float64(p1)/(1<<20), float64(p4)/(1<<20))
	if float64(p4) > 1.25*float64(p1) {
		t.Errorf("peak heap grew with the input: %d bytes for 1M rows, %d for 4M", p1, p4)
	}
}

// peakHeap reads n generated rows, made on the fly rather than held, and
// returns the highest HeapInuse seen.
//
// It collects garbage after every sample. Left alone, the collector runs
// when it gets CPU, and on a busy machine a late cycle adds megabytes of
// garbage to a peak; the longer run has more chances to meet one. A
// forced cycle every two batches makes each sample what the reader holds
// plus two batches of garbage, so only growth with the input shows.
func peakHeap(t *testing.T, n int) uint64 {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	peak := ms.HeapInuse
	r := NewReader(context.Background(), []Input{{Path: "-", Size: -1}}, Options{Stdin: newVisitGen(n, true)})
	var sum, batches int64
	for r.Scan() {
		for _, v := range r.Batch() {
			sum += v.Weight + int64(len(v.URL)) // use the visits, so that reading them is not skipped
		}
		if batches++; batches%2 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			runtime.GC()
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Rows != int64(n) || s.SkippedRows() != 0 || sum == 0 {
		t.Fatalf("read %d rows, skipped %v, sum %d; want %d rows", s.Rows, s.Skipped, sum, n)
	}
	return peak
}

package gen

import (
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"
)

// peakHeap runs Write into io.Discard while sampling HeapInuse, and
// returns the highest sample above the heap in use before the run.
func peakHeap(t *testing.T, o Options) uint64 {
	t.Helper()
	// Collect garbage often, so that the samples show what Write keeps
	// rather than what the collector has yet to free.
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse

	done := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	err := Write(io.Discard, o)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if peak < base {
		return 0
	}
	return peak - base
}

// TestMemoryBounded checks that Write streams: the heap stays small
// however many rows are written. CSV keeps a 64 KiB buffer and a few
// tables; Parquet holds one row group (128k rows) at a time, some 60 MiB
// with parquet-go's zstd encoders.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes millions of rows")
	}
	for _, tc := range []struct {
		format string
		rows   int64
		limit  uint64
	}{
		{"csv", 2_000_000, 16 << 20},
		{"parquet", 600_000, 160 << 20},
	} {
		o := opts(tc.rows, tc.format)
		got := peakHeap(t, o)
		t.Logf("%s, %d rows: heap in use grew by at most %.1f MiB", tc.format, tc.rows, float64(got)/(1<<20))
		if got > tc.limit {
			t.Errorf("%s, %d rows: heap in use grew by %.1f MiB, want under %d MiB", tc.format, tc.rows, float64(got)/(1<<20), tc.limit>>20)
		}
	}
}

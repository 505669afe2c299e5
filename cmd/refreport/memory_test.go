package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, memFloor},
		{80 << 20, memFloor},
		{100 << 20, 150 << 20},
		{200 << 20, 300 << 20},
		{math.MaxUint64, math.MaxInt64 / 2 / 2 * 3},
	} {
		if got := memoryLimit(tc.live); got != tc.want {
			t.Errorf("memoryLimit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}

// TestTuneMemory holds 256 MiB live and waits for a collection to set the
// soft limit from it; stop lifts the limit.
func TestTuneMemory(t *testing.T) {
	stop := tuneMemory()
	defer stop()
	if got := debug.SetMemoryLimit(-1); got != memFloor {
		t.Fatalf("limit before a collection %d, want %d", got, memFloor)
	}
	live := make([]byte, 256<<20)
	for i := range live {
		live[i] = byte(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	var got int64
	for time.Now().Before(deadline) {
		runtime.GC()
		if got = debug.SetMemoryLimit(-1); got >= 384<<20 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
	if got < 384<<20 || got > 400<<20 {
		t.Errorf("limit with 256 MiB live: %d MiB, want 384 to 400", got>>20)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after stop: %d, want none", got)
	}
}

package aggregate

import (
	"fmt"
	"testing"
	"time"
)

// TestInternCollisions interns strings whose hashes collide in whole or
// in the top bits that pick a slot, across the index's growth: each gets
// an id of its own, and finding it again gives that id.
func TestInternCollisions(t *testing.T) {
	for _, hash := range []func(i int) uint64{
		func(int) uint64 { return 42 },                               // every hash equal
		func(i int) uint64 { return 7<<60 | uint64(i) },              // one slot, tags differ below it
		func(i int) uint64 { return uint64(i%3)<<62 | uint64(i)<<8 }, // a few slots
	} {
		r := New(time.UTC)
		const n = 3000
		for i := range n {
			s := fmt.Sprintf("v%d", i)
			if id := r.internHash(s, hash(i)); id != uint32(i) {
				t.Fatalf("%s: new id %d, want %d", s, id, i)
			}
		}
		r.cache = [internCacheSize]uint32{} // make every lookup go to the index
		for i := range n {
			s := fmt.Sprintf("v%d", i)
			if id, ok := r.lookupHash(s, hash(i)); !ok || id != uint32(i) {
				t.Fatalf("%s: found %d, %v; want %d", s, id, ok, i)
			}
			if id := r.internHash(s, hash(i)); id != uint32(i) || len(r.strs) != n {
				t.Fatalf("%s: interned again as %d (%d strings)", s, id, len(r.strs))
			}
		}
		if _, ok := r.lookupHash("absent", hash(0)); ok {
			t.Error("a string never interned was found")
		}
	}
}

// TestCellIndex adds cells that differ in one field at a time and finds
// each again.
func TestCellIndex(t *testing.T) {
	r := New(time.UTC)
	var cells []cell
	for s := range uint32(20) {
		for v := range uint32(50) {
			for d := range uint32(4) {
				cells = append(cells, cell{s, v, d})
			}
		}
	}
	for i, c := range cells {
		if got := r.cellIndex(c); got != uint32(i) {
			t.Fatalf("%+v: new index %d, want %d", c, got, i)
		}
	}
	for i, c := range cells {
		if got := r.cellIndex(c); got != uint32(i) || len(r.cellKeys) != len(cells) {
			t.Fatalf("%+v: found %d, want %d (%d cells)", c, got, i, len(r.cellKeys))
		}
	}
}

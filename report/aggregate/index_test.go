package aggregate

import (
	"fmt"
	"maps"
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

// TestSlotTable records cells across the table's growth, including the
// largest cell index, and finds each again, and no other.
func TestSlotTable(t *testing.T) {
	var x slotTable
	if _, ok := x.get(0); ok {
		t.Fatal("an empty table found cell 0")
	}
	want := map[uint32]uint32{}
	for i := range uint32(5000) {
		cell := i * 7919 // spread, as a day's cells are among all of a rollup's
		if i == 4999 {
			cell = 1<<32 - 2 // the largest index whose +1 fits
		}
		x.put(cell, i)
		want[cell] = i
	}
	if x.len() != len(want) {
		t.Errorf("len %d, want %d", x.len(), len(want))
	}
	for cell, slot := range want {
		if got, ok := x.get(cell); !ok || got != slot {
			t.Fatalf("cell %d: got %d, %v; want %d", cell, got, ok, slot)
		}
		if _, recorded := want[cell+1]; !recorded {
			if _, ok := x.get(cell + 1); ok {
				t.Fatalf("cell %d found, never recorded", cell+1)
			}
		}
	}
	got := map[uint32]uint32{}
	for cell, slot := range x.all {
		got[cell] = slot
	}
	if !maps.Equal(got, want) {
		t.Errorf("all yields %d cells, want the %d recorded", len(got), len(want))
	}
}

// TestCoreTable sums visits by group across the table's growth, as a map
// would.
func TestCoreTable(t *testing.T) {
	var x coreTable
	want := map[coreCell]int64{}
	for i := range 20000 {
		c := packCore(sourceRef{uint32(i % 3001), i%2 == 0}, uint8(i%7), 0, uint8(i%4))
		if i == 19999 {
			c = packCore(sourceRef{1<<32 - 1, true}, 255, 255, 3) // every field at its largest
		}
		x.add(c, int64(i+1))
		want[c] += int64(i + 1)
	}
	got := map[coreCell]int64{}
	for c, n := range x.all {
		if _, dup := got[c]; dup {
			t.Fatalf("group %x yielded twice", c)
		}
		got[c] = n
	}
	if !maps.Equal(got, want) || x.len() != len(want) {
		t.Errorf("%d groups (len %d), want %d with the same sums", len(got), x.len(), len(want))
	}
}

package aggregate

import "math/bits"

// hashIndex finds dense ids by a 64-bit hash of their key that the caller
// has already computed, where a map would hash the key again. It holds
// no keys: the caller keeps them in a slice by id and checks each
// candidate against its own, so a lookup is never wrong. A slot is 8
// bytes, the hash's top half and id+1, against the 24 of a
// map[string]uint32's slot: a rollup holds millions of strings and cells.
type hashIndex struct {
	slots []uint64 // 0 is empty
	shift uint     // 64 - log2(len(slots)): a hash's slot is its top bits
	n     int
}

// probe returns the slot to look at first for hash h, and its tag.
func (x *hashIndex) probe(h uint64) (int, uint32) {
	if x.slots == nil {
		x.grow()
	}
	return int(h >> x.shift), uint32(h >> 32)
}

// next returns the slot after i, wrapping around.
func (x *hashIndex) next(i int) int { return (i + 1) & (len(x.slots) - 1) }

// add records id under hash h, which must not be recorded yet.
func (x *hashIndex) add(h uint64, id uint32) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.grow()
	}
	x.put(uint64(uint32(h>>32))<<32 | uint64(id) + 1)
	x.n++
}

// put stores slot value e in the first empty slot of its probe sequence.
// The tag is the hash's top half, so it holds the slot's bits.
func (x *hashIndex) put(e uint64) {
	i := int(e >> x.shift)
	for x.slots[i] != 0 {
		i = x.next(i)
	}
	x.slots[i] = e
}

func (x *hashIndex) grow() {
	old := x.slots
	size := max(2*len(old), 1024)
	x.slots = make([]uint64, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, e := range old {
		if e != 0 {
			x.put(e)
		}
	}
}

// hashCell hashes a cell for Rollup.cells: its fields are ids, so a
// multiply and a shift mix them well enough.
func hashCell(c cell) uint64 {
	h := (uint64(c.source)<<32 | uint64(c.value)) * 0x9e3779b97f4a7c15
	h ^= uint64(c.dim) * 0xc2b2ae3d27d4eb4f
	h ^= h >> 31
	return h * 0xbf58476d1ce4e5b9
}

// slotTable maps the cells admitted on a day to their slot in the day's
// counts. It is looked up once or more for every visit: an open-addressed
// table of uint64s, probed by a multiply and a shift, does in one memory
// access what a map[uint32]uint32 does in several.
type slotTable struct {
	slots []uint64 // cell index+1 in the top half, its slot in the bottom; 0 is empty
	shift uint
	n     int
}

func (x *slotTable) start(cell uint32) int {
	return int((uint64(cell) + 1) * 0x9e3779b97f4a7c15 >> x.shift)
}

// get returns the slot of cell, if it is admitted.
func (x *slotTable) get(cell uint32) (uint32, bool) {
	if x.n == 0 {
		return 0, false
	}
	key := uint64(cell) + 1
	for i := x.start(cell); ; i = (i + 1) & (len(x.slots) - 1) {
		e := x.slots[i]
		if e>>32 == key {
			return uint32(e), true
		}
		if e == 0 {
			return 0, false
		}
	}
}

// put records cell, which must not be recorded yet, at slot.
func (x *slotTable) put(cell, slot uint32) {
	if (x.n+1)*4 > len(x.slots)*3 {
		x.rebuild(max(2*len(x.slots), 64))
	}
	x.insert((uint64(cell)+1)<<32 | uint64(slot))
	x.n++
}

// rebuild moves x's entries into a table of size slots.
func (x *slotTable) rebuild(size int) {
	old := x.slots
	x.slots = make([]uint64, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for _, e := range old {
		if e != 0 {
			x.insert(e)
		}
	}
}

func (x *slotTable) insert(e uint64) {
	i := x.start(uint32(e>>32) - 1)
	for x.slots[i] != 0 {
		i = (i + 1) & (len(x.slots) - 1)
	}
	x.slots[i] = e
}

// len returns the number of cells recorded.
func (x *slotTable) len() int { return x.n }

// freeze packs x's entries into a slice of their length. Until thaw, x
// can only be read with len and all.
func (x *slotTable) freeze() {
	packed := make([]uint64, 0, x.n)
	for _, e := range x.slots {
		if e != 0 {
			packed = append(packed, e)
		}
	}
	x.slots = packed
}

// thaw rebuilds the table of a frozen x.
func (x *slotTable) thaw() { x.rebuild(tableSize(x.n)) }

// all yields each cell recorded and its slot, in no particular order.
func (x *slotTable) all(yield func(cell, slot uint32) bool) {
	for _, e := range x.slots {
		if e != 0 && !yield(uint32(e>>32)-1, uint32(e)) {
			return
		}
	}
}

// coreTable sums a day's visits by core group, for the same reason as
// slotTable: every visit adds to it.
type coreTable struct {
	keys   []coreCell // the group + 1; 0 is empty
	counts []int64
	shift  uint
	n      int
}

func (x *coreTable) start(c coreCell) int {
	return int(uint64(c+1) * 0x9e3779b97f4a7c15 >> x.shift)
}

// add adds w visits to group c.
func (x *coreTable) add(c coreCell, w int64) {
	if x.n > 0 {
		for i := x.start(c); x.keys[i] != 0; i = (i + 1) & (len(x.keys) - 1) {
			if x.keys[i] == c+1 {
				x.counts[i] += w
				return
			}
		}
	}
	if (x.n+1)*4 > len(x.keys)*3 {
		x.rebuild(max(2*len(x.keys), 64))
	}
	x.insert(c, w)
	x.n++
}

// rebuild moves x's groups into a table of size slots.
func (x *coreTable) rebuild(size int) {
	keys, counts := x.keys, x.counts
	x.keys, x.counts = make([]coreCell, size), make([]int64, size)
	x.shift = uint(64 - bits.TrailingZeros(uint(size)))
	for i, k := range keys {
		if k != 0 {
			x.insert(k-1, counts[i])
		}
	}
}

func (x *coreTable) insert(c coreCell, w int64) {
	i := x.start(c)
	for x.keys[i] != 0 {
		i = (i + 1) & (len(x.keys) - 1)
	}
	x.keys[i], x.counts[i] = c+1, w
}

// len returns the number of groups.
func (x *coreTable) len() int { return x.n }

// freeze packs x's groups into slices of their length. Until thaw, x can
// only be read with len and all.
func (x *coreTable) freeze() {
	keys, counts := make([]coreCell, 0, x.n), make([]int64, 0, x.n)
	for i, k := range x.keys {
		if k != 0 {
			keys, counts = append(keys, k), append(counts, x.counts[i])
		}
	}
	x.keys, x.counts = keys, counts
}

// thaw rebuilds the table of a frozen x.
func (x *coreTable) thaw() { x.rebuild(tableSize(x.n)) }

// tableSize is the size, a power of two, that open-addressed tables of
// slotTable and coreTable have for n entries: as full as they get before
// they grow, at least 64.
func tableSize(n int) int {
	size := 64
	for (n+1)*4 > size*3 {
		size *= 2
	}
	return size
}

// all yields each group and its visits, in no particular order.
func (x *coreTable) all(yield func(coreCell, int64) bool) {
	for i, k := range x.keys {
		if k != 0 && !yield(k-1, x.counts[i]) {
			return
		}
	}
}

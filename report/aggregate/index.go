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

package catalog

import "math/bits"

const setBits = 128

// ActionSet is a set of catalog actions, one bit per Action.Index. It is a
// small value: copy and compare it freely.
type ActionSet [setBits / 64]uint64

// Add puts action index i in the set.
func (s *ActionSet) Add(i int) { s[i>>6] |= 1 << (uint(i) & 63) }

// Has reports whether action index i is in the set.
func (s ActionSet) Has(i int) bool { return s[i>>6]&(1<<(uint(i)&63)) != 0 }

// Union returns s ∪ o.
func (s ActionSet) Union(o ActionSet) ActionSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

// Intersect returns s ∩ o.
func (s ActionSet) Intersect(o ActionSet) ActionSet {
	for i := range s {
		s[i] &= o[i]
	}
	return s
}

// Minus returns s \ o.
func (s ActionSet) Minus(o ActionSet) ActionSet {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

// Empty reports whether the set has no action.
func (s ActionSet) Empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// Len counts the actions in the set.
func (s ActionSet) Len() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// Each calls f for every action index in the set, in increasing order.
func (s ActionSet) Each(f func(i int)) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(wi*64 + b)
			w &= w - 1
		}
	}
}

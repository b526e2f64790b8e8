package eval

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/policy"
)

// This file finds, for a set of string patterns, one string in every region
// of the strings they split: two strings are in one region when every
// pattern matches both or neither. It walks the product automaton of the
// patterns breadth first, so each region it reaches is represented by its
// shortest string. Strings over the characters the patterns name plus one
// character they do not are enough: a character no pattern names can only
// be matched by '?' or '*', and any other such character behaves the same.

// gtok is one token of a compiled pattern.
type gtok struct {
	kind byte // 'c' a character, '?' one character, '*' a run
	c    byte
	fold bool // the character matches either case
	// stop is a character the wildcard does not match: ':' in an ARN
	// pattern's first five components, '/' in a name that is the last
	// segment of a path; 0 for none.
	stop byte
}

// stops says whether the wildcard t cannot match c.
func (t gtok) stops(c byte) bool { return t.stop != 0 && c == t.stop }

// gpat is a compiled pattern: matched against the whole string.
type gpat []gtok

// globPattern compiles a policy pattern: like (wildcards active), fold
// (case-insensitive), arn (ARN matching, wildcards confined to their
// component), with Escape marks for literal characters.
func globPattern(p string, like, fold, arn bool) gpat {
	if fold {
		// Bytes fold as ASCII: K (the Kelvin sign) and ſ (the long s)
		// fold to k and s, as the evaluator's comparison does.
		p = asciiFold(p)
	}
	if arn && p == "*" {
		return gpat{{kind: '*'}}
	}
	confine := arn && strings.Count(stripEscapes(p), ":") >= 5
	colons := 0
	var out gpat
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == policy.Escape && i+1 < len(p) {
			i++
			out = append(out, gtok{kind: 'c', c: p[i], fold: fold})
			continue
		}
		inComp := confine && colons < 5
		switch {
		case (like || arn) && c == '*':
			out = append(out, gtok{kind: '*', stop: stopIf(inComp)})
		case (like || arn) && c == '?':
			out = append(out, gtok{kind: '?', stop: stopIf(inComp)})
		default:
			if c == ':' {
				colons++
			}
			out = append(out, gtok{kind: 'c', c: c, fold: fold})
		}
	}
	return out
}

// stopIf is ':' when an ARN pattern's wildcard is confined to its
// component.
func stopIf(confined bool) byte {
	if confined {
		return ':'
	}
	return 0
}

// stoppedAt returns p with its wildcards (those not stopped already)
// stopped at c.
func (p gpat) stoppedAt(c byte) gpat {
	out := make(gpat, len(p))
	for i, t := range p {
		if t.kind != 'c' && t.stop == 0 {
			t.stop = c
		}
		out[i] = t
	}
	return out
}

// asciiFold maps each non-ASCII letter of s that case-folds to an ASCII
// one (K, the Kelvin sign, to k; ſ, the long s, to s) to that letter.
func asciiFold(s string) string {
	return strings.Map(func(r rune) rune {
		for f := unicode.SimpleFold(r); r >= utf8.RuneSelf && f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				return f
			}
		}
		return r
	}, s)
}

func stripEscapes(p string) string {
	if !strings.ContainsRune(p, policy.Escape) {
		return p
	}
	return strings.ReplaceAll(p, string(policy.Escape), "")
}

// literal returns the pattern's text when it has no wildcard.
func (p gpat) literal() (string, bool) {
	b := make([]byte, 0, len(p))
	for _, t := range p {
		if t.kind != 'c' || t.fold {
			return "", false
		}
		b = append(b, t.c)
	}
	return string(b), true
}

// prefix is the text the pattern's matches all begin with: its characters
// before its first wildcard.
func (p gpat) prefix() string {
	b := make([]byte, 0, len(p))
	for _, t := range p {
		if t.kind != 'c' {
			break
		}
		b = append(b, t.c)
	}
	return string(b)
}

// instance is a string the pattern matches: each wildcard becomes "x"
// (which no confined wildcard excludes).
func (p gpat) instance() string {
	b := make([]byte, 0, len(p))
	for _, t := range p {
		switch t.kind {
		case 'c':
			b = append(b, t.c)
		default:
			b = append(b, 'x')
		}
	}
	return string(b)
}

// derive returns the patterns that match s where p matches prefix+s.
func (p gpat) derive(prefix string) []gpat {
	cur := []gpat{p}
	for i := 0; i < len(prefix) && len(cur) > 0; i++ {
		c := prefix[i]
		var next []gpat
		for _, q := range cur {
			next = append(next, q.step(c)...)
		}
		cur = dedupePats(next)
	}
	return cur
}

// step is the derivative of p by one character.
func (p gpat) step(c byte) []gpat {
	if len(p) == 0 {
		return nil
	}
	t := p[0]
	switch t.kind {
	case '*':
		var out []gpat
		if !t.stops(c) {
			out = append(out, p) // the run goes on
		}
		return append(out, p[1:].step(c)...) // the run is empty
	case '?':
		if t.stops(c) {
			return nil
		}
		return []gpat{p[1:]}
	}
	if t.c == c || t.fold && lowerByte(t.c) == lowerByte(c) {
		return []gpat{p[1:]}
	}
	return nil
}

// rstep is the derivative of p by one character from the right: the
// patterns that match s where p matches s followed by c.
func (p gpat) rstep(c byte) []gpat {
	out := p.reversed().step(c)
	for i, q := range out {
		out[i] = q.reversed()
	}
	return out
}

// reversed returns p's tokens in reverse order: it matches the reversed
// strings p matches.
func (p gpat) reversed() gpat {
	out := make(gpat, len(p))
	for i, t := range p {
		out[len(p)-1-i] = t
	}
	return out
}

func dedupePats(ps []gpat) []gpat {
	if len(ps) < 2 {
		return ps
	}
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		k := p.key()
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func (p gpat) key() string {
	var b strings.Builder
	for _, t := range p {
		b.WriteByte(t.kind)
		b.WriteByte(t.c)
		if t.fold {
			b.WriteByte('f')
		}
		if t.stop != 0 {
			b.WriteByte('k')
			b.WriteByte(t.stop)
		}
		b.WriteByte(0)
	}
	return b.String()
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// maxGlobStates bounds the automaton a region search walks.
const maxGlobStates = 1 << 12

// globRegions returns one string per region of the patterns' matches
// (groups: a region is decided by which groups have a pattern that
// matches; a group is a set of alternatives, as a derivative yields). ok is
// false when the automaton grew past maxGlobStates: the strings found are
// then some of the regions, not all.
func globRegions(groups [][]gpat) (out []string, ok bool) {
	return regions(groups, Shape{})
}

// regions is globRegions over the strings of shape: of its characters (any
// when Chars is empty) and at least Min long. A region whose shortest
// member is shorter gets a longer one.
func regions(groups [][]gpat, shape Shape) (out []string, ok bool) {
	allowed := func(c byte) bool { return shape.Chars == "" || strings.IndexByte(shape.Chars, c) >= 0 }
	var pats []gpat
	var owner []int
	alpha := map[byte]bool{}
	for gi, g := range groups {
		for _, p := range g {
			pats = append(pats, p)
			owner = append(owner, gi)
			for _, t := range p {
				if t.kind == 'c' {
					alpha[t.c] = true
					if t.fold {
						alpha[lowerByte(t.c)] = true
						if t.c >= 'a' && t.c <= 'z' {
							alpha[t.c-'a'+'A'] = true
						}
					}
				}
			}
		}
	}
	if len(pats) == 0 {
		return nil, true
	}
	// The character no pattern names goes first, so representatives avoid
	// the names the policy uses; patterns that name all the usual ones
	// still leave a letter or a digit.
	chars := []byte{}
	for _, c := range []byte("xzq0_-~abcdefghijklmnoprstuvwy123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		if !alpha[c] && allowed(c) {
			chars = append(chars, c)
			break
		}
	}
	var named []byte
	for c := range alpha {
		if allowed(c) {
			named = append(named, c)
		}
	}
	sort.Slice(named, func(i, j int) bool { return named[i] < named[j] })
	chars = append(chars, named...)
	if len(chars) == 0 {
		return nil, true
	}
	return walkGlobs(pats, owner, len(groups), chars, shape.Min)
}

// posSet is the set of positions reached in each pattern: words words of
// bits per pattern, bit k for "k tokens matched".
type posSet []uint64

// walkGlobs walks the product automaton of the patterns breadth first and
// returns the first string that reaches each signature (which groups
// match).
// A string shorter than minLen stands for no region: a state is told apart
// by how far below minLen the string reaching it is, so that a longer one
// reaching the same positions stands for their region.
func walkGlobs(pats []gpat, owner []int, groups int, chars []byte, minLen int) (out []string, ok bool) {
	words := 1
	for _, p := range pats {
		words = max(words, (len(p)+1+63)/64)
	}
	// A state holds the positions of its live patterns alone (those with a
	// position, in order), j-th live pattern's at set[j*words:]: most
	// patterns die within a few characters, and a walk over thousands (the
	// ROOT template's, which leave out every other template's prefix) no
	// longer visits each at every step.
	bit := func(set posSet, j, k int) bool { return set[j*words+k/64]&(1<<uint(k%64)) != 0 }
	setBit := func(set posSet, j, k int) { set[j*words+k/64] |= 1 << uint(k%64) }
	// closure adds to the positions of pattern i (the j-th live one) the
	// one after each run: a run may be empty.
	closure := func(set posSet, j, i int) {
		p := pats[i]
		for k := 0; k < len(p); k++ {
			if p[k].kind == '*' && bit(set, j, k) {
				setBit(set, j, k+1)
			}
		}
	}
	type state struct {
		live []int
		pos  posSet
		s    string
	}
	sigOf := func(st state) string {
		sig := make([]byte, groups)
		for i := range sig {
			sig[i] = '0'
		}
		for j, i := range st.live {
			if bit(st.pos, j, len(pats[i])) {
				sig[owner[i]] = '1'
			}
		}
		return string(sig)
	}
	// keyOf tells states apart by their positions: each live pattern's
	// index and words, records of one size.
	var keyBuf []byte
	keyOf := func(st state) []byte {
		b := keyBuf[:0]
		for j, i := range st.live {
			b = binary.LittleEndian.AppendUint32(b, uint32(i))
			for _, v := range st.pos[j*words : (j+1)*words] {
				b = binary.LittleEndian.AppendUint64(b, v)
			}
		}
		keyBuf = b
		return b
	}
	start := state{live: make([]int, len(pats)), pos: make(posSet, len(pats)*words)}
	for i := range pats {
		start.live[i] = i
		setBit(start.pos, i, 0)
		closure(start.pos, i, i)
	}
	bucket := func(s string) byte { return byte(min(len(s), minLen)) }
	seenState := map[string]bool{string(append(keyOf(start), 0)): true}
	scratch := make(posSet, len(start.pos))
	var next state // the live patterns of scratch, compacted
	seenSig := map[string]bool{}
	queue := []state{start}
	ok = true
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if sig := sigOf(st); !seenSig[sig] && len(st.s) >= minLen {
			seenSig[sig] = true
			out = append(out, st.s)
		}
		for _, c := range chars {
			set := scratch[:len(st.pos)]
			clear(set)
			for j, i := range st.live {
				p := pats[i]
				for w := 0; w < words; w++ {
					cur := st.pos[j*words+w]
					for cur != 0 {
						k := w*64 + bits.TrailingZeros64(cur)
						cur &= cur - 1
						if k >= len(p) {
							continue
						}
						t := p[k]
						switch t.kind {
						case '*':
							if !t.stops(c) {
								setBit(set, j, k)
							}
						case '?':
							if !t.stops(c) {
								setBit(set, j, k+1)
							}
						default:
							if t.c == c || t.fold && lowerByte(t.c) == lowerByte(c) {
								setBit(set, j, k+1)
							}
						}
					}
				}
				closure(set, j, i)
			}
			next.live, next.pos = next.live[:0], next.pos[:0]
			for j, i := range st.live {
				rec := set[j*words : (j+1)*words]
				if slices.ContainsFunc(rec, func(v uint64) bool { return v != 0 }) {
					next.live = append(next.live, i)
					next.pos = append(next.pos, rec...)
				}
			}
			alive := len(next.live) > 0
			ns := st.s + string(c)
			k := append(keyOf(next), bucket(ns))
			keyBuf = k
			if seenState[string(k)] {
				continue
			}
			if len(seenState) >= maxGlobStates {
				ok = false
				continue
			}
			seenState[string(k)] = true
			if !alive {
				// Dead in every pattern: matches none from here on; one
				// string, as long as it must be, stands for the region.
				for len(ns) < minLen {
					ns += string(chars[0])
				}
				if sig := sigOf(next); !seenSig[sig] {
					seenSig[sig] = true
					out = append(out, ns)
				}
				continue
			}
			queue = append(queue, state{live: slices.Clone(next.live), pos: slices.Clone(next.pos), s: ns})
		}
	}
	return out, ok
}

// match reports whether the pattern matches s.
func (p gpat) match(s string) bool {
	// Positions reached, as in the automaton walk, over the bytes of s.
	cur := make([]bool, len(p)+1)
	next := make([]bool, len(p)+1)
	cur[0] = true
	closure := func(set []bool) {
		for k := 0; k < len(p); k++ {
			if set[k] && p[k].kind == '*' {
				set[k+1] = true
			}
		}
	}
	closure(cur)
	for i := 0; i < len(s); i++ {
		c := s[i]
		clear(next)
		any := false
		for k := 0; k < len(p); k++ {
			if !cur[k] {
				continue
			}
			t := p[k]
			switch t.kind {
			case '*':
				if !t.stops(c) {
					next[k], any = true, true
				}
			case '?':
				if !t.stops(c) {
					next[k+1], any = true, true
				}
			default:
				if t.c == c || t.fold && lowerByte(t.c) == lowerByte(c) {
					next[k+1], any = true, true
				}
			}
		}
		if !any {
			return false
		}
		closure(next)
		cur, next = next, cur
	}
	return cur[len(p)]
}

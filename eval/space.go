package eval

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// FreshValue stands for a value a policy does not name: it matches no
// literal, only patterns such as "*".
const FreshValue = "ecrguard-fresh"

// Instance turns an IAM wildcard pattern into one string it matches.
func Instance(p string) string {
	return strings.NewReplacer("*", "x", "?", "x").Replace(p)
}

// Space builds the dimensions of a search from the keys policies test.
type Space struct {
	// Skip reports keys the caller fixes itself; they get no dimension.
	Skip func(lowerKey string) bool
	// Outside reports keys whose named values the caller cannot take, such
	// as the network of an outsider: it gets only values that match none of
	// them (an address outside every range), or the key absent.
	Outside func(lowerKey string) bool
	// Fixed replaces the options of a key (lower-cased).
	Fixed map[string]Dimension
}

// Dimensions returns one Dimension per tested key: the key absent, for each
// value a policy compares it with one that matches and its neighbours where
// order matters, a fresh value, and for multivalued keys the empty set and
// all candidates together.
func (sp Space) Dimensions(mentions []Mention) []Dimension {
	cat := catalog.Default()
	var dims []Dimension
	for _, m := range mentions {
		lower := strings.ToLower(m.Key)
		if sp.Skip != nil && sp.Skip(lower) {
			continue
		}
		if d, ok := sp.Fixed[lower]; ok {
			dims = append(dims, d)
			continue
		}
		kc := keyCands{key: m.Key, lower: lower, tests: m.Tests}
		if info, ok := cat.Key(lower); ok && info.MultiValued() {
			kc.multi = true
		}
		for _, t := range m.Tests {
			if strings.HasPrefix(t.Operator, "ForAllValues:") || strings.HasPrefix(t.Operator, "ForAnyValue:") {
				kc.multi = true
			}
		}
		dims = append(dims, kc.options(sp.Outside != nil && sp.Outside(lower)))
	}
	return dims
}

type keyCands struct {
	key   string
	lower string
	multi bool
	tests []KeyTest
}

// options lists the ways a key can be: absent, each candidate value, and for
// multivalued keys the empty set and all candidates together.
func (kc *keyCands) options(restrictNetwork bool) Dimension {
	vals := kc.values(restrictNetwork)
	opts := Dimension{{{Key: kc.key, Absent: true}}}
	for _, v := range vals {
		opts = append(opts, Option{{Key: kc.key, Values: []string{v}}})
	}
	if kc.multi {
		opts = append(opts, Option{{Key: kc.key, Values: []string{}}})
		if len(vals) > 1 {
			opts = append(opts, Option{{Key: kc.key, Values: vals}})
		}
	}
	return opts
}

// values returns representative values of the key: for each value the
// policy compares it with, one that matches and its neighbours where order
// matters, plus a fresh value that matches no literal.
func (kc *keyCands) values(restrictNetwork bool) []string {
	var out []string
	var prefixes []netip.Prefix
	isIP := false
	for _, t := range kc.tests {
		op := policy.ParseOperator(t.Operator)
		for _, v := range t.Values {
			switch op.Family {
			case policy.FamilyIP:
				isIP = true
				if p, ok := policy.ParseCIDR(v); ok {
					prefixes = append(prefixes, p)
				}
			case policy.FamilyBool, policy.FamilyNull:
				out = append(out, "true", "false")
			case policy.FamilyNumeric:
				if f, ok := policy.ParseNumber(v); ok {
					for _, d := range []float64{-1, 0, 1} {
						out = append(out, strconv.FormatFloat(f+d, 'f', -1, 64))
					}
				}
			case policy.FamilyDate:
				if t, ok := policy.ParseDate(v); ok {
					for _, d := range []time.Duration{-time.Second, 0, time.Second} {
						out = append(out, t.Add(d).UTC().Format(time.RFC3339))
					}
				}
			default:
				if strings.Contains(v, "${") {
					continue // a variable: the fresh value serves
				}
				if restrictNetwork {
					continue // the caller's network is not the one named
				}
				if op.Like {
					out = append(out, Instance(v))
				} else {
					out = append(out, v)
				}
			}
		}
	}
	if isIP || kc.lower == "aws:sourceip" || kc.lower == "aws:vpcsourceip" {
		if !restrictNetwork {
			for _, p := range prefixes {
				out = append(out, p.Addr().String())
			}
		}
		out = append(out, OutsideAddress(prefixes, false).String(), OutsideAddress(prefixes, true).String())
	} else {
		out = append(out, FreshValue)
		if v, ok := outsiderNetwork[kc.lower]; ok && restrictNetwork {
			out = append(out, v)
		}
	}
	return dedupeStrings(out)
}

// outsiderNetwork are network values an outsider has of its own: the ids
// of a VPC and endpoint it creates, its account and organization. A
// pattern that matches them ("vpce-*") restricts nothing.
var outsiderNetwork = map[string]string{
	"aws:sourcevpce":   "vpce-0ec9a4d0000000000",
	"aws:sourcevpc":    "vpc-0ec9a4d0000000000",
	"aws:sourcevpcarn": "arn:aws:ec2:us-east-1:777766665555:vpc/vpc-0ec9a4d0000000000",
	"aws:vpceaccount":  "777766665555",
	"aws:vpceorgid":    "o-ecrguard0000",
	"aws:vpceorgpaths": "o-ecrguard0000/r-ecrg/ou-ecrg-00000000/",
}

// Addresses an outsider is likely to call from, tried first so that proofs
// read naturally.
var (
	preferredV4 = netip.MustParseAddr("198.51.100.7")
	preferredV6 = netip.MustParseAddr("2001:db8:ec9::7")
)

// OutsideAddress returns an address of the family not covered by any of the
// prefixes. When their union covers the whole address space (0.0.0.0/0, or
// 0.0.0.0/1 with 128.0.0.0/1), no such address exists and any address is
// inside: the ranges restrict nothing, and the preferred address is
// returned.
func OutsideAddress(prefixes []netip.Prefix, v6 bool) netip.Addr {
	pref := preferredV4
	if v6 {
		pref = preferredV6
	}
	covered := func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !covered(pref) {
		return pref
	}
	// Sweep the ranges in order for the lowest uncovered address.
	type span struct{ lo, hi [2]uint64 }
	var spans []span
	for _, p := range prefixes {
		if p.Addr().Is6() != v6 {
			continue
		}
		lo, hi := bounds(p)
		spans = append(spans, span{lo, hi})
	}
	sort.Slice(spans, func(i, j int) bool { return less(spans[i].lo, spans[j].lo) })
	var cur [2]uint64
	if !v6 {
		cur = [2]uint64{0, 0}
	}
	for _, s := range spans {
		if less(cur, s.lo) {
			break
		}
		if !less(s.hi, cur) {
			next, overflow := inc(s.hi)
			if overflow || (!v6 && next[1] > 0xFFFFFFFF) {
				return pref // the whole space is covered
			}
			cur = next
		}
	}
	return fromWords(cur, v6)
}

func bounds(p netip.Prefix) (lo, hi [2]uint64) {
	b := p.Masked().Addr().As16()
	lo = [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
	bits := p.Bits()
	if p.Addr().Is4() {
		// Work in the low 32 bits for IPv4.
		v := uint64(binary.BigEndian.Uint32(b[12:]))
		host := uint64(1)<<(32-bits) - 1
		return [2]uint64{0, v}, [2]uint64{0, v | host}
	}
	hi = lo
	switch {
	case bits == 0:
		hi = [2]uint64{^uint64(0), ^uint64(0)}
	case bits <= 64:
		hi[0] |= ^uint64(0) >> bits
		hi[1] = ^uint64(0)
	default:
		hi[1] |= ^uint64(0) >> (bits - 64)
	}
	return lo, hi
}

func less(a, b [2]uint64) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

func inc(a [2]uint64) ([2]uint64, bool) {
	a[1]++
	if a[1] == 0 {
		a[0]++
		if a[0] == 0 {
			return a, true
		}
	}
	return a, false
}

func fromWords(w [2]uint64, v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(w[1]))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], w[0])
	binary.BigEndian.PutUint64(b[8:], w[1])
	return netip.AddrFrom16(b)
}

func dedupeStrings(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Package textenc turns the text files people save on any system into
// UTF-8: a UTF-8 byte-order mark is dropped, and UTF-16 (what Windows
// PowerShell's `>` writes: little-endian with a byte-order mark) is
// decoded. Readers decode first and parse the result, so the lines and
// columns they report are those of the decoded text; FaultLine places a
// parser's error on the line at fault when the parser names another.
package textenc

import (
	"bytes"
	"errors"
	"os"
	"unicode/utf16"
	"unicode/utf8"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// ErrOddLength is the error of UTF-16 text with an odd number of bytes: a
// file cut short, or not UTF-16 at all.
var ErrOddLength = errors.New("UTF-16 text with an odd number of bytes (a file cut short?)")

// errNotText is ErrOddLength for data without a byte-order mark, which is
// UTF-16 by its NUL byte alone: more likely not text at all.
var errNotText error = notText{}

type notText struct{}

func (notText) Error() string {
	return "not text: a NUL byte among its first two bytes, as only UTF-16 text would have, and an odd number of bytes, which UTF-16 text never has (binary data, or UTF-16 cut short)"
}

func (notText) Is(target error) bool { return target == ErrOddLength }

// Decode returns data as UTF-8 without a byte-order mark. Data without a
// byte-order mark is UTF-16 when its first two bytes hold one NUL (text
// files in the formats ecrguard reads start with a character below
// U+0100, and UTF-8 text never holds NUL); otherwise it is returned as it
// is, the same slice. Unpaired surrogates become U+FFFD.
func Decode(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return data[len(bomUTF8):], nil
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(data[2:], true)
	case len(data) >= 2 && (data[0] == 0) != (data[1] == 0):
		if len(data)%2 != 0 {
			return nil, errNotText
		}
		return decodeUTF16(data, data[0] == 0)
	}
	return data, nil
}

// DecodeAt is Decode, and also says where the text starts in data: after
// a UTF-8 byte-order mark (3), or at 0 when data is UTF-8 without one; at
// is -1 when the text is decoded from UTF-16, so that its offsets are not
// data's.
func DecodeAt(data []byte) (text []byte, at int, err error) {
	if bytes.HasPrefix(data, bomUTF8) {
		return data[len(bomUTF8):], len(bomUTF8), nil
	}
	text, err = Decode(data)
	if err != nil || len(text) != len(data) || len(data) > 0 && &text[0] != &data[0] {
		return text, -1, err
	}
	return text, 0, nil
}

func decodeUTF16(data []byte, bigEndian bool) ([]byte, error) {
	if len(data)%2 != 0 {
		return nil, ErrOddLength
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		hi, lo := data[2*i+1], data[2*i]
		if bigEndian {
			hi, lo = lo, hi
		}
		units[i] = uint16(hi)<<8 | uint16(lo)
	}
	out := make([]byte, 0, len(units))
	for _, r := range utf16.Decode(units) {
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// ReadFile reads the file name as UTF-8 text: a byte-order mark or UTF-16
// is decoded (Decode), as in every input ecrguard reads.
func ReadFile(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Decode(data)
}

// FaultLine returns the line (1-based) on which text data first goes
// wrong, and the column of that line's first character: the smallest k at
// or after line from such that the first k lines fail (fails), found by
// bisection. It is for parsers that name the line where the structure at
// fault starts (yaml.v3 names a mapping's first line for a bad indentation
// further down). ok is false when from is not a line of data or data as a
// whole does not fail.
func FaultLine(data []byte, from int, fails func(prefix []byte) bool) (line, col int, ok bool) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	if from < 1 || from > len(lines) || !fails(data) {
		return 0, 0, false
	}
	lo, hi := from, len(lines)
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(bytes.Join(lines[:mid], nil)) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	text := lines[lo-1]
	return lo, len(text) - len(bytes.TrimLeft(text, " \t")) + 1, true
}

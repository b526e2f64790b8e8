package textenc

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16, with a byte-order mark when bom is set.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	var out []byte
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestDecode(t *testing.T) {
	const text = "{\r\n  \"Sid\": \"Zürich 🐳\"\r\n}\r\n"
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"UTF-8", []byte(text)},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"UTF-16LE with BOM (PowerShell)", utf16Bytes(text, false, true)},
		{"UTF-16BE with BOM", utf16Bytes(text, true, true)},
		{"UTF-16LE without BOM", utf16Bytes(text, false, false)},
		{"UTF-16BE without BOM", utf16Bytes(text, true, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != text {
				t.Errorf("Decode = %q, want %q", got, text)
			}
			// DecodeAt says where the text is in the input: after a
			// UTF-8 mark, at 0 without one, nowhere in UTF-16.
			got, at, err := DecodeAt(tc.in)
			if err != nil || string(got) != text {
				t.Fatalf("DecodeAt = %q, %v", got, err)
			}
			if at >= 0 && string(tc.in[at:]) != text || at < 0 && !strings.HasPrefix(tc.name, "UTF-16") {
				t.Errorf("DecodeAt at %d", at)
			}
		})
	}
}

func TestDecodeKeepsUTF8(t *testing.T) {
	in := []byte(`{"a": 1}`)
	got, err := Decode(in)
	if err != nil || &got[0] != &in[0] {
		t.Errorf("Decode of UTF-8 = %q, %v; want the same slice", got, err)
	}
	if got, err := Decode(nil); err != nil || len(got) != 0 {
		t.Errorf("Decode(nil) = %q, %v", got, err)
	}
}

func TestDecodeOddLength(t *testing.T) {
	in := append(utf16Bytes(`{"a": 1}`, false, true), '}')
	if _, err := Decode(in); !errors.Is(err, ErrOddLength) {
		t.Errorf("Decode of odd UTF-16 = %v, want ErrOddLength", err)
	}
	// Without a byte-order mark, a NUL byte and an odd length say binary
	// data more likely than UTF-16 cut short.
	if _, err := Decode([]byte{0, 1, 'a'}); !errors.Is(err, ErrOddLength) || !strings.HasPrefix(err.Error(), "not text: ") {
		t.Errorf("Decode of binary data = %v, want ErrOddLength saying it is not text", err)
	}
	// An unpaired surrogate is U+FFFD, not an error.
	got, err := Decode([]byte{0xFF, 0xFE, 0x00, 0xD8, 'a', 0})
	if err != nil || !bytes.Equal(got, []byte("\uFFFDa")) {
		t.Errorf("Decode of an unpaired surrogate = %q, %v", got, err)
	}
}

func TestFaultLine(t *testing.T) {
	data := []byte("a: 1\nb:\n  c: 2\n   BAD\nd: 3\n")
	fails := func(p []byte) bool { return bytes.Contains(p, []byte("BAD")) }
	if line, col, ok := FaultLine(data, 2, fails); !ok || line != 4 || col != 4 {
		t.Errorf("FaultLine = %d:%d %v, want 4:4", line, col, ok)
	}
	// Data that does not fail, or a line it does not have: not placed.
	if _, _, ok := FaultLine([]byte("a: 1\n"), 1, fails); ok {
		t.Error("placed a fault in data that does not fail")
	}
	if _, _, ok := FaultLine(data, 9, fails); ok {
		t.Error("placed a fault from a line data does not have")
	}
}

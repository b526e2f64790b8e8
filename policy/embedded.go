package policy

import "github.com/ecrguard/ecrguard/internal/jsonpos"

// ParseEmbedded decodes the policy document held, as JSON text, in the JSON
// string literal at byte strOff of outer: the policyText of `aws ecr
// get-repository-policy` output, the Content of `aws organizations
// describe-policy`, a PolicyDocument string of authorization details. loc locates offsets of outer (FileLocator(outer,
// file) for a whole file), so positions are the ones the user sees in outer.
// When urlEncoded is set, the text is first URL-decoded as the IAM API
// returns documents ("URL-encoded compliant with RFC 3986"): %XX is a byte
// and '+' stays '+', as the AWS CLI (Python's unquote) and url.PathUnescape
// decode them.
//
// An error is a *Error; invalid JSON inside the string says it is the
// embedded document's.
func ParseEmbedded(outer []byte, strOff int, loc Locator, urlEncoded bool) (*Document, error) {
	text, raw, err := jsonpos.StringWithOffsets(outer, strOff)
	if err != nil {
		return nil, newError(loc(strOff), CodeInvalidJSON, err.Error())
	}
	body := []byte(text)
	if urlEncoded {
		var bad int
		body, raw, bad = unescape(text, raw)
		if bad >= 0 {
			return nil, newError(loc(raw[bad]), CodeInvalidJSON, "invalid URL encoding: expected %XX with two hexadecimal digits")
		}
	}
	inner := func(off int) Pos {
		off = max(0, min(off, len(raw)-1))
		return loc(raw[off])
	}
	n, err := jsonpos.Parse(body)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, newError(inner(se.Off), CodeInvalidJSON, "invalid JSON in the embedded policy document: "+se.Msg)
		}
		return nil, newError(loc(strOff), CodeInvalidJSON, err.Error())
	}
	return decodeNode(n, inner)
}

// unescape decodes s as url.PathUnescape does (%XX is a byte, everything
// else stands for itself) and carries the source offsets along: raw has an entry per byte of s
// plus one; the result has one per byte of the output plus one. On an
// invalid escape it returns the index in s (bad >= 0) of the '%'.
func unescape(s string, raw []int) (out []byte, outRaw []int, bad int) {
	out = make([]byte, 0, len(s))
	outRaw = make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, raw, i
			}
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			outRaw = append(outRaw, raw[i])
			i += 3
		default:
			out = append(out, c)
			outRaw = append(outRaw, raw[i])
			i++
		}
	}
	outRaw = append(outRaw, raw[len(s)])
	return out, outRaw, -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

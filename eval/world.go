package eval

import (
	"strconv"
	"time"
)

// DeriveWorld adds to ctx, unless it has them, the keys every request
// carries whoever makes it and wherever to (IAM User Guide, "AWS global
// condition context keys"): aws:SecureTransport (true: ECR answers over
// HTTPS only), aws:CurrentTime and aws:EpochTime (at).
func DeriveWorld(ctx *Context, at time.Time) {
	for _, kv := range [][2]string{{"aws:SecureTransport", "true"}, {"aws:CurrentTime", at.UTC().Format(time.RFC3339)},
		{"aws:EpochTime", strconv.FormatInt(at.Unix(), 10)}} {
		if !ctx.Has(kv[0]) {
			ctx.Set(kv[0], kv[1])
		}
	}
}

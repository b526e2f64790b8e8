package live

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ecrguard/ecrguard/estate"
)

// classify returns the error code and a message for err, without the
// SDK's request details. Error codes come from the AWS answer (the last one,
// when retries ran out).
func classify(err error) (code estate.GapCode, msg string) {
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	var to *timeoutError
	var me *missingError
	var le *loopError
	var pe *parseError
	switch {
	case errors.As(err, &pe):
		return estate.GapParseError, pe.Error()
	case errors.As(err, &le):
		return estate.GapPaginationLoop, le.Error()
	case errors.As(err, &me):
		return estate.GapMissingDocument, me.Error()
	case errors.As(err, &to):
		return estate.GapTimeout, to.Error()
	case errors.Is(err, context.Canceled):
		return estate.GapCanceled, "the scan was interrupted"
	case errors.As(err, &ae):
		code, msg = estate.GapCode(ae.ErrorCode()), ae.ErrorMessage()
		if code == "" {
			code = estate.GapError
		}
		if msg == "" {
			msg = ae.Error()
		}
		var mx *retry.MaxAttemptsError
		if errors.As(err, &mx) {
			msg = fmt.Sprintf("%s (still failing after %d attempts)", msg, mx.Attempt)
		}
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
			msg = fmt.Sprintf("HTTP %d: %s", re.HTTPStatusCode(), msg)
		}
		return code, msg
	case errors.Is(err, context.DeadlineExceeded):
		return estate.GapTimeout, "the call did not finish in time"
	}
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		return estate.GapNetworkError, se.Error()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return estate.GapCode(fmt.Sprintf("HTTP%d", re.HTTPStatusCode())), re.Error()
	}
	return estate.GapError, err.Error()
}

// errorCode is classify's code.
func errorCode(err error) string {
	code, _ := classify(err)
	return string(code)
}

// regionLevel reports whether err means the whole region cannot be read with
// these credentials: a region that is not enabled for the account answers
// UnrecognizedClientException (its STS does not know the token), and a
// region that does not exist cannot be reached.
func regionLevel(err error) bool {
	switch errorCode(err) {
	case "UnrecognizedClientException", "InvalidClientTokenId", "InvalidSignatureException", "AuthFailure",
		"OptInRequired", "InvalidToken", string(estate.GapNetworkError):
		return true
	}
	return false
}

// notEnabled reports whether err is how a region the account has not
// enabled answers: only an opt-in region can be that (AWS General
// Reference, "Enable or disable AWS Regions"), and it does not know the
// caller's token. Elsewhere the same codes mean bad credentials.
func notEnabled(region string, err error) bool {
	if !optInRegions[region] {
		return false
	}
	switch errorCode(err) {
	case "UnrecognizedClientException", "InvalidClientTokenId", "OptInRequired":
		return true
	}
	return false
}

// notFound reports whether err is AWS saying "there is none" for one of the
// codes.
func notFound(err error, codes ...string) bool {
	if err == nil {
		return false
	}
	c := errorCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// timeoutError is a call that ran past Options.CallTimeout.
type timeoutError struct {
	api   string
	after string
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%s did not finish within %s", e.api, e.after)
}

func (e *timeoutError) Unwrap() error { return e.err }

// Redactor removes credentials from text: the secrets of every credential
// set the clients retrieved, and anything shaped like an access key id, a
// signature or a session token.
type Redactor struct {
	mu      sync.Mutex
	secrets []string
}

// NewRedactor returns a redactor that knows no secrets yet.
func NewRedactor() *Redactor { return &Redactor{} }

// Add makes the redactor remove each of secrets (empty ones are ignored).
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
outer:
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		for _, have := range r.secrets {
			if have == s {
				continue outer
			}
		}
		r.secrets = append(r.secrets, s)
	}
}

var credentialShapes = []*regexp.Regexp{
	// Access key ids: AKIA (long-term), ASIA (temporary) and kin.
	regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}\b`),
	// SigV4 pieces that may appear in a request dump.
	regexp.MustCompile(`(?i)(Signature|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Credential|SessionToken|SecretAccessKey|aws_secret_access_key|aws_session_token)(["']?\s*[=:]\s*["']?)[^\s,&"']+`),
}

// Clean returns s without credentials.
func (r *Redactor) Clean(s string) string {
	if r != nil {
		r.mu.Lock()
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
		r.mu.Unlock()
	}
	s = credentialShapes[0].ReplaceAllString(s, "${1}[REDACTED]")
	s = credentialShapes[1].ReplaceAllString(s, "${1}${2}[REDACTED]")
	return s
}

// loopError is a pagination token seen twice, or a listing that went on
// past maxPages pages (pages is then their number).
type loopError struct {
	token string
	pages int
}

func (e *loopError) Error() string {
	if e.pages > 0 {
		return fmt.Sprintf("the answer handed out a new pagination token on each of %d pages and still had more; listing stopped there (no account has that many pages of it)", e.pages)
	}
	return fmt.Sprintf("the answer repeated the pagination token %q; listing stopped there", e.token)
}

// tokens detects pagination loops: the SDK's paginators stop silently on a
// repeated token (or never, by default), and a silent stop would look like
// a complete list. An answer that hands out a new token on every page
// would never end: a listing is stopped after maxPages pages.
type tokens map[string]bool

// names is the set of the names a listing handed out: a name a later page
// lists again is one entry, read once.
type names map[string]bool

// first records name and reports whether it is new and not empty.
func (n names) first(name string) bool {
	if name == "" || n[name] {
		return false
	}
	n[name] = true
	return true
}

// maxPages bounds the pages of one listing. No account comes near it: ECR
// lists up to 1,000 repositories a page (100,000 a region by default), and
// IAM's authorization details and the Organizations listings hold a few
// thousand entities at 100 a page.
const maxPages = 1000

// check returns an error when next (the token of the page just read) was
// seen before, or is the token of a page past maxPages.
func (t tokens) check(next *string) error {
	if next == nil || *next == "" {
		return nil
	}
	if t[*next] {
		return &loopError{token: *next}
	}
	if len(t)+1 >= maxPages {
		return &loopError{pages: len(t) + 1}
	}
	t[*next] = true
	return nil
}

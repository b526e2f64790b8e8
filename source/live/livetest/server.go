package livetest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials of the fake accounts. The home account's are the ones tests
// start with; an assumed role of account ID gets AssumedKeyPrefix+ID.
const (
	HomeAccessKey    = "AKIAFAKEHOME00000000"
	HomeSecretKey    = "fake/SECRET/home+key0123456789abcdefghij"
	HomeSessionToken = "fake-session-token-home-0123456789"
	AssumedKeyPrefix = "ASIAFAKE"
	// AssumedSecretPrefix and AssumedTokenPrefix start the secrets of an
	// assumed role session.
	AssumedSecretPrefix = "fake/SECRET/assumed+"
	AssumedTokenPrefix  = "fake-session-token-assumed-"
)

// Server serves fake accounts in AWS's wire formats.
type Server struct {
	// URL is the endpoint to give the SDK (http://127.0.0.1:PORT).
	URL string

	// Latency, when set before the first call, holds every answer back
	// that long (an API's round trip, for benchmarks).
	Latency time.Duration
	// ThrottleFirst, when set before the first call, answers each distinct
	// request (API, account, region, resource, page) ThrottlingException
	// that many times before answering it: throttling everywhere, which
	// retries must absorb.
	ThrottleFirst int

	mu       sync.Mutex
	home     string
	accounts map[string]*Account
	faults   []*Fault
	calls    map[string]int
	// asked counts the times each distinct request was asked
	// (ThrottleFirst).
	asked map[string]int
	// inFlight is the number of requests being answered; maxInFlight its
	// highest.
	inFlight, maxInFlight int
}

// MaxInFlight returns the most requests the server was answering at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

// NewServer serves home (whose credentials are HomeAccessKey) and others
// (reached by assuming a role in them) until the test ends.
func NewServer(t testing.TB, home *Account, others ...*Account) *Server {
	t.Helper()
	s := &Server{home: home.ID, accounts: map[string]*Account{}, calls: map[string]int{}, asked: map[string]int{}}
	for _, a := range append([]*Account{home}, others...) {
		s.accounts[a.ID] = a
	}
	hs := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// AddFault makes matching calls fail.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Calls returns how often each API ("ecr:DescribeRepositories") was called.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// request is one parsed API request.
type request struct {
	service, op, region, account, key string
	json                              map[string]any
	form                              url.Values
}

func (r *request) str(k string) string {
	if r.form != nil {
		return r.form.Get(k)
	}
	v, _ := r.json[k].(string)
	return v
}

var targetPrefixes = map[string]string{
	"AmazonEC2ContainerRegistry_V20150921": "ecr",
	"SpencerFrontendService":               "ecr-public",
	"AWSOrganizationsV20161128":            "organizations",
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	r := &request{}
	// Credential=KEY/DATE/REGION/SERVICE/aws4_request
	auth := hr.Header.Get("Authorization")
	if i := strings.Index(auth, "Credential="); i >= 0 {
		parts := strings.Split(strings.SplitN(auth[i+len("Credential="):], ",", 2)[0], "/")
		if len(parts) >= 4 {
			r.key, r.region = parts[0], parts[2]
		}
	}
	switch {
	case r.key == HomeAccessKey:
		r.account = s.home
	case strings.HasPrefix(r.key, AssumedKeyPrefix):
		r.account = strings.TrimPrefix(r.key, AssumedKeyPrefix)
	default:
		writeQueryError(w, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return
	}
	if target := hr.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		r.service, r.op = targetPrefixes[prefix], op
		r.json = map[string]any{}
		if len(body) > 0 {
			if err := json.Unmarshal(body, &r.json); err != nil {
				writeJSONError(w, 400, "SerializationException", err.Error())
				return
			}
		}
	} else {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			writeQueryError(w, 400, "MalformedInput", err.Error())
			return
		}
		r.form, r.op = form, form.Get("Action")
		r.service = "iam"
		if r.op == "GetCallerIdentity" || r.op == "AssumeRole" {
			r.service = "sts"
		}
	}
	api := r.service + ":" + r.op
	s.mu.Lock()
	s.calls[api]++
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	acct := s.accounts[r.account]
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	if acct == nil {
		s.fail(w, r, 403, "UnrecognizedClientException", "no such fake account "+r.account)
		return
	}
	if s.Latency > 0 {
		select {
		case <-time.After(s.Latency):
		case <-hr.Context().Done():
			return
		}
	}
	if s.throttled(api, r) {
		s.fail(w, r, 400, "ThrottlingException", "Rate exceeded")
		return
	}
	if f := s.fault(api, r); f != nil {
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-hr.Context().Done():
				return
			}
		}
		if f.Code != "" {
			s.fail(w, r, f.Status, f.Code, f.Message)
			return
		}
	}
	switch r.service {
	case "ecr":
		s.ecr(w, r, acct)
	case "ecr-public":
		s.ecrPublic(w, r, acct)
	case "organizations":
		s.orgs(w, r, acct)
	case "sts":
		s.sts(w, r, acct)
	case "iam":
		s.iam(w, r, acct)
	default:
		writeJSONError(w, 400, "UnknownOperationException", api)
	}
}

// resource is what a fault's Resource matches for a request.
func (r *request) resource() string {
	switch {
	case r.str("repositoryName") != "":
		return r.str("repositoryName")
	case r.str("resourceArn") != "":
		arn := r.str("resourceArn")
		return arn[strings.Index(arn, "repository/")+len("repository/"):]
	case r.str("PolicyArn") != "":
		return r.str("PolicyArn")
	case r.str("RoleArn") != "":
		return r.str("RoleArn")
	case r.str("TargetId") != "":
		return r.str("TargetId")
	case r.str("ChildId") != "":
		return r.str("ChildId")
	case r.str("PolicyId") != "":
		return r.str("PolicyId")
	}
	return ""
}

// page is the 1-based page a request asks for.
func (r *request) page() int {
	tok := r.str("nextToken")
	if tok == "" {
		tok = r.str("NextToken")
	}
	if tok == "" {
		tok = r.str("Marker")
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-")); err == nil {
		return n
	}
	return 1
}

// span is the part of a list of n items that the page r asks for holds:
// items start to end (exclusive), size items to a page (fallback when size
// is not above 0). next is the token of the following page, "" on the last
// one; with emptyLast the last page that holds items names one more, empty,
// page (as AWS sometimes answers).
func (r *request) span(n, size, fallback int, emptyLast bool) (start, end int, next string) {
	if size <= 0 {
		size = fallback
	}
	page := r.page()
	start = (page - 1) * size
	end = min(start+size, n)
	if start+size < n || emptyLast && start < n {
		next = fmt.Sprintf("page-%d", page+1)
	}
	return start, end, next
}

func (s *Server) fault(api string, r *request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	account := r.account
	if api == "sts:AssumeRole" {
		account = accountOfARN(r.str("RoleArn"))
	}
	for _, f := range s.faults {
		if f.API != "" && f.API != api || f.Account != "" && f.Account != account || f.Region != "" && f.Region != r.region ||
			f.Resource != "" && f.Resource != r.resource() || f.Page > 0 && f.Page != r.page() {
			continue
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		f.hits++
		return f
	}
	return nil
}

// throttled says whether to answer r ThrottlingException (ThrottleFirst).
func (s *Server) throttled(api string, r *request) bool {
	if s.ThrottleFirst <= 0 {
		return false
	}
	key := fmt.Sprintf("%s|%s|%s|%s|%d", api, r.account, r.region, r.resource(), r.page())
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked[key]++
	return s.asked[key] <= s.ThrottleFirst
}

func accountOfARN(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 4 {
		return parts[4]
	}
	return ""
}

func (s *Server) fail(w http.ResponseWriter, r *request, status int, code, msg string) {
	if msg == "" {
		msg = code
	}
	if r.form != nil {
		if status == 0 {
			status = 400
			if strings.HasPrefix(code, "AccessDenied") {
				status = 403
			}
		}
		writeQueryError(w, status, code, msg)
		return
	}
	if status == 0 {
		status = 400
	}
	writeJSONError(w, status, code, msg)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "fake-request")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": code, "message": msg})
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", "fake-request")
	b, err := json.Marshal(v)
	if err != nil {
		writeJSONError(w, 500, "InternalFailure", err.Error())
		return
	}
	_, _ = w.Write(b)
}

type queryError struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ReqID   string   `xml:"RequestId"`
}

func writeQueryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	kind := "Sender"
	if status >= 500 {
		kind = "Receiver"
	}
	b, _ := xml.Marshal(queryError{Type: kind, Code: code, Message: msg, ReqID: "fake-request"})
	_, _ = w.Write(b)
}

func writeXML(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/xml")
	b, err := xml.Marshal(v)
	if err != nil {
		writeQueryError(w, 500, "InternalFailure", err.Error())
		return
	}
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

func epoch(t time.Time) float64 {
	if t.IsZero() {
		t = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	return float64(t.Unix())
}

// --- ECR ---

func (s *Server) ecr(w http.ResponseWriter, r *request, a *Account) {
	reg := a.Regions[r.region]
	if reg == nil {
		reg = &Region{}
	}
	repoARN := func(name string) string {
		return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", r.region, a.ID, name)
	}
	find := func(name string) *Repo {
		for i := range reg.Repos {
			if reg.Repos[i].Name == name {
				return &reg.Repos[i]
			}
		}
		return nil
	}
	switch r.op {
	case "DescribeRepositories":
		start, end, next := r.span(len(reg.Repos), reg.PageSize, 1000, reg.EmptyLastPage)
		var list []map[string]any
		for i := start; i < end; i++ {
			rp := reg.Repos[i]
			list = append(list, map[string]any{
				"repositoryArn": repoARN(rp.Name), "registryId": a.ID, "repositoryName": rp.Name,
				"repositoryUri":              fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", a.ID, r.region, rp.Name),
				"createdAt":                  epoch(rp.Created),
				"imageTagMutability":         "MUTABLE",
				"imageScanningConfiguration": map[string]any{"scanOnPush": false},
				"encryptionConfiguration":    map[string]any{"encryptionType": "AES256"},
			})
		}
		out := map[string]any{"repositories": list}
		if list == nil {
			out["repositories"] = []any{}
		}
		if next != "" {
			out["nextToken"] = next
		}
		writeJSON(w, out)
	case "GetRepositoryPolicy":
		rp := find(r.str("repositoryName"))
		switch {
		case rp == nil:
			writeJSONError(w, 400, "RepositoryNotFoundException", "The repository with name '"+r.str("repositoryName")+"' does not exist in the registry with id '"+a.ID+"'")
		case rp.Policy == "":
			writeJSONError(w, 400, "RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '"+rp.Name+"'")
		default:
			writeJSON(w, map[string]any{"registryId": a.ID, "repositoryName": rp.Name, "policyText": rp.Policy})
		}
	case "ListTagsForResource":
		rp := find(r.resource())
		if rp == nil {
			writeJSONError(w, 400, "RepositoryNotFoundException", "no repository "+r.resource())
			return
		}
		tags := []map[string]string{}
		for _, k := range slices.Sorted(maps.Keys(rp.Tags)) {
			tags = append(tags, map[string]string{"Key": k, "Value": rp.Tags[k]})
		}
		writeJSON(w, map[string]any{"tags": tags})
	case "GetRegistryPolicy":
		if reg.RegistryPolicy == "" {
			writeJSONError(w, 400, "RegistryPolicyNotFoundException", "Registry policy does not exist in the registry with id '"+a.ID+"'")
			return
		}
		writeJSON(w, map[string]any{"registryId": a.ID, "policyText": reg.RegistryPolicy})
	case "DescribeRegistry":
		var dests []map[string]string
		for _, d := range reg.Replication {
			dests = append(dests, map[string]string{"region": d.Region, "registryId": d.Account})
		}
		rules := []any{}
		if len(dests) > 0 {
			rules = append(rules, map[string]any{"destinations": dests})
		}
		writeJSON(w, map[string]any{"registryId": a.ID, "replicationConfiguration": map[string]any{"rules": rules}})
	case "DescribeRepositoryCreationTemplates":
		start, end, next := r.span(len(reg.Templates), reg.TemplatePageSize, 50, false)
		list := []map[string]any{}
		for i := start; i < end; i++ {
			t := reg.Templates[i]
			m := map[string]any{"prefix": t.Prefix, "appliedFor": t.AppliedFor, "imageTagMutability": "MUTABLE",
				"encryptionConfiguration": map[string]any{"encryptionType": "AES256"}, "createdAt": epoch(time.Time{}), "updatedAt": epoch(time.Time{})}
			if t.Policy != "" {
				m["repositoryPolicy"] = t.Policy
			}
			list = append(list, m)
		}
		out := map[string]any{"registryId": a.ID, "repositoryCreationTemplates": list}
		if next != "" {
			out["nextToken"] = next
		}
		writeJSON(w, out)
	case "GetAccountSetting":
		scope := reg.Scope
		if scope == "" {
			scope = "V2"
		}
		writeJSON(w, map[string]any{"name": r.str("name"), "value": scope})
	default:
		writeJSONError(w, 400, "UnknownOperationException", "ecr:"+r.op)
	}
}

func (s *Server) ecrPublic(w http.ResponseWriter, r *request, a *Account) {
	switch r.op {
	case "DescribeRepositories":
		list := []map[string]any{}
		for _, rp := range a.Public {
			list = append(list, map[string]any{
				"repositoryArn": "arn:aws:ecr-public::" + a.ID + ":repository/" + rp.Name, "registryId": a.ID,
				"repositoryName": rp.Name, "repositoryUri": "public.ecr.aws/fake/" + rp.Name, "createdAt": epoch(rp.Created),
			})
		}
		writeJSON(w, map[string]any{"repositories": list})
	case "GetRepositoryPolicy":
		for _, rp := range a.Public {
			if rp.Name == r.str("repositoryName") {
				if rp.Policy == "" {
					writeJSONError(w, 400, "RepositoryPolicyNotFoundException", "no policy")
					return
				}
				writeJSON(w, map[string]any{"registryId": a.ID, "repositoryName": rp.Name, "policyText": rp.Policy})
				return
			}
		}
		writeJSONError(w, 400, "RepositoryNotFoundException", "no repository")
	default:
		writeJSONError(w, 400, "UnknownOperationException", "ecr-public:"+r.op)
	}
}

// --- Organizations ---

func (s *Server) orgs(w http.ResponseWriter, r *request, a *Account) {
	// The organization is the home account's; member accounts see it too.
	s.mu.Lock()
	org := s.accounts[s.home].Org
	if a.Org != nil {
		org = a.Org
	}
	s.mu.Unlock()
	if org == nil {
		writeJSONError(w, 400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
		return
	}
	switch r.op {
	case "DescribeOrganization":
		writeJSON(w, map[string]any{"Organization": map[string]any{"Id": org.ID, "Arn": "arn:aws:organizations::" + org.ManagementID + ":organization/" + org.ID,
			"FeatureSet": "ALL", "MasterAccountId": org.ManagementID, "MasterAccountArn": "arn:aws:organizations::" + org.ManagementID + ":account/" + org.ID + "/" + org.ManagementID}})
	case "ListRoots":
		types := []any{}
		if org.SCPEnabled {
			types = append(types, map[string]string{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"})
		}
		if org.RCPEnabled {
			types = append(types, map[string]string{"Type": "RESOURCE_CONTROL_POLICY", "Status": "ENABLED"})
		}
		writeJSON(w, map[string]any{"Roots": []any{map[string]any{"Id": org.RootID, "Name": "Root", "Arn": "arn:aws:organizations::" + org.ManagementID + ":root/" + org.ID + "/" + org.RootID, "PolicyTypes": types}}})
	case "ListParents":
		child := r.str("ChildId")
		chain := append([]string{org.RootID}, org.OUs...)
		parent := ""
		if !strings.HasPrefix(child, "ou-") && child != org.RootID {
			parent = chain[len(chain)-1] // an account sits in the last OU
		}
		for i := 1; i < len(chain); i++ {
			if chain[i] == child {
				parent = chain[i-1]
			}
		}
		if parent == "" {
			writeJSONError(w, 400, "ChildNotFoundException", "no parent of "+child)
			return
		}
		kind := "ORGANIZATIONAL_UNIT"
		if parent == org.RootID {
			kind = "ROOT"
		}
		writeJSON(w, map[string]any{"Parents": []any{map[string]string{"Id": parent, "Type": kind}}})
	case "ListPoliciesForTarget":
		list := []any{}
		filter := r.str("Filter")
		attached := org.AttachedSCPs
		if filter == "RESOURCE_CONTROL_POLICY" {
			attached = org.AttachedRCPs
		} else if filter != "SERVICE_CONTROL_POLICY" {
			writeJSONError(w, 400, "InvalidInputException", "unsupported Filter "+filter)
			return
		}
		for _, p := range attached[r.str("TargetId")] {
			list = append(list, map[string]any{"Id": p.ID, "Name": p.Name, "Arn": "arn:aws:organizations::" + org.ManagementID + ":policy/" + org.ID + "/" + strings.ToLower(filter) + "/" + p.ID,
				"Type": filter, "AwsManaged": p.ID == "p-FullAWSAccess" || p.ID == "p-RCPFullAWSAccess"})
		}
		writeJSON(w, map[string]any{"Policies": list})
	case "DescribePolicy":
		for _, ps := range slices.Concat(slices.Collect(maps.Values(org.AttachedSCPs)), slices.Collect(maps.Values(org.AttachedRCPs))) {
			for _, p := range ps {
				if p.ID == r.str("PolicyId") {
					writeJSON(w, map[string]any{"Policy": map[string]any{"PolicySummary": map[string]any{"Id": p.ID, "Name": p.Name}, "Content": p.Content}})
					return
				}
			}
		}
		writeJSONError(w, 400, "PolicyNotFoundException", "no policy "+r.str("PolicyId"))
	case "ListAccounts":
		list := []any{}
		for _, id := range org.MemberAccounts {
			list = append(list, map[string]any{"Id": id, "Status": "ACTIVE", "State": "ACTIVE"})
		}
		for _, id := range org.SuspendedMember {
			list = append(list, map[string]any{"Id": id, "Status": "SUSPENDED", "State": "SUSPENDED"})
		}
		writeJSON(w, map[string]any{"Accounts": list})
	default:
		writeJSONError(w, 400, "UnknownOperationException", "organizations:"+r.op)
	}
}

// --- STS ---

type callerIdentityResponse struct {
	XMLName xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
	Arn     string   `xml:"GetCallerIdentityResult>Arn"`
	UserID  string   `xml:"GetCallerIdentityResult>UserId"`
	Account string   `xml:"GetCallerIdentityResult>Account"`
	ReqID   string   `xml:"ResponseMetadata>RequestId"`
}

type assumeRoleResponse struct {
	XMLName         xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
	AccessKeyID     string   `xml:"AssumeRoleResult>Credentials>AccessKeyId"`
	SecretAccessKey string   `xml:"AssumeRoleResult>Credentials>SecretAccessKey"`
	SessionToken    string   `xml:"AssumeRoleResult>Credentials>SessionToken"`
	Expiration      string   `xml:"AssumeRoleResult>Credentials>Expiration"`
	Arn             string   `xml:"AssumeRoleResult>AssumedRoleUser>Arn"`
	RoleID          string   `xml:"AssumeRoleResult>AssumedRoleUser>AssumedRoleId"`
	ReqID           string   `xml:"ResponseMetadata>RequestId"`
}

func (s *Server) sts(w http.ResponseWriter, r *request, a *Account) {
	switch r.op {
	case "GetCallerIdentity":
		arn := a.CallerARN
		if arn == "" {
			arn = "arn:aws:iam::" + a.ID + ":user/tester"
		}
		if r.account != s.home {
			arn = "arn:aws:sts::" + a.ID + ":assumed-role/ecrguard-reader/ecrguard"
		}
		writeXML(w, callerIdentityResponse{Arn: arn, UserID: "AIDAFAKE", Account: a.ID, ReqID: "fake-request"})
	case "AssumeRole":
		roleARN := r.str("RoleArn")
		target := accountOfARN(roleARN)
		s.mu.Lock()
		_, ok := s.accounts[target]
		s.mu.Unlock()
		if !ok {
			writeQueryError(w, 403, "AccessDenied", "User: "+a.CallerARN+" is not authorized to perform: sts:AssumeRole on resource: "+roleARN)
			return
		}
		writeXML(w, assumeRoleResponse{AccessKeyID: AssumedKeyPrefix + target, SecretAccessKey: AssumedSecretPrefix + target,
			SessionToken: AssumedTokenPrefix + target, Expiration: time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			Arn:    "arn:aws:sts::" + target + ":assumed-role/" + roleARN[strings.LastIndex(roleARN, "/")+1:] + "/" + r.str("RoleSessionName"),
			RoleID: "AROAFAKE:" + r.str("RoleSessionName"), ReqID: "fake-request"})
	default:
		writeQueryError(w, 400, "InvalidAction", r.op)
	}
}

// --- IAM ---

// Escape encodes a policy document as IAM does in its answers (RFC 3986:
// everything but unreserved characters percent-encoded).
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

type xmlPolicyDetail struct {
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type xmlAttached struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type xmlBoundary struct {
	Type string `xml:"PermissionsBoundaryType"`
	Arn  string `xml:"PermissionsBoundaryArn"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// xmlEntity is what IAM's UserDetail, GroupDetail and RoleDetail share.
type xmlEntity struct {
	Path       string        `xml:"Path"`
	Arn        string        `xml:"Arn"`
	CreateDate string        `xml:"CreateDate"`
	Attached   []xmlAttached `xml:"AttachedManagedPolicies>member"`
}

// xmlBounded is what a user and a role have and a group has not.
type xmlBounded struct {
	Boundary *xmlBoundary `xml:"PermissionsBoundary,omitempty"`
	Tags     []xmlTag     `xml:"Tags>member"`
}

type xmlUser struct {
	xmlEntity
	UserName string            `xml:"UserName"`
	UserID   string            `xml:"UserId"`
	Inline   []xmlPolicyDetail `xml:"UserPolicyList>member"`
	Groups   []string          `xml:"GroupList>member"`
	xmlBounded
}

type xmlGroup struct {
	xmlEntity
	GroupName string            `xml:"GroupName"`
	GroupID   string            `xml:"GroupId"`
	Inline    []xmlPolicyDetail `xml:"GroupPolicyList>member"`
}

type xmlRole struct {
	xmlEntity
	RoleName string            `xml:"RoleName"`
	RoleID   string            `xml:"RoleId"`
	Trust    string            `xml:"AssumeRolePolicyDocument"`
	Inline   []xmlPolicyDetail `xml:"RolePolicyList>member"`
	xmlBounded
}

type xmlVersion struct {
	Document  string `xml:"Document"`
	VersionID string `xml:"VersionId"`
	Default   bool   `xml:"IsDefaultVersion"`
	Created   string `xml:"CreateDate"`
}

type xmlManaged struct {
	PolicyName       string       `xml:"PolicyName"`
	PolicyID         string       `xml:"PolicyId"`
	Arn              string       `xml:"Arn"`
	Path             string       `xml:"Path"`
	DefaultVersionID string       `xml:"DefaultVersionId"`
	AttachmentCount  int          `xml:"AttachmentCount"`
	BoundaryUsage    int          `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable     bool         `xml:"IsAttachable"`
	Versions         []xmlVersion `xml:"PolicyVersionList>member"`
}

type authDetailsResponse struct {
	XMLName     xml.Name     `xml:"https://iam.amazonaws.com/doc/2010-05-08/ GetAccountAuthorizationDetailsResponse"`
	Users       []xmlUser    `xml:"GetAccountAuthorizationDetailsResult>UserDetailList>member"`
	Groups      []xmlGroup   `xml:"GetAccountAuthorizationDetailsResult>GroupDetailList>member"`
	Roles       []xmlRole    `xml:"GetAccountAuthorizationDetailsResult>RoleDetailList>member"`
	Policies    []xmlManaged `xml:"GetAccountAuthorizationDetailsResult>Policies>member"`
	IsTruncated bool         `xml:"GetAccountAuthorizationDetailsResult>IsTruncated"`
	Marker      string       `xml:"GetAccountAuthorizationDetailsResult>Marker,omitempty"`
	ReqID       string       `xml:"ResponseMetadata>RequestId"`
}

type getPolicyResponse struct {
	XMLName          xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ GetPolicyResponse"`
	PolicyName       string   `xml:"GetPolicyResult>Policy>PolicyName"`
	PolicyID         string   `xml:"GetPolicyResult>Policy>PolicyId"`
	Arn              string   `xml:"GetPolicyResult>Policy>Arn"`
	DefaultVersionID string   `xml:"GetPolicyResult>Policy>DefaultVersionId"`
	ReqID            string   `xml:"ResponseMetadata>RequestId"`
}

type getPolicyVersionResponse struct {
	XMLName   xml.Name `xml:"https://iam.amazonaws.com/doc/2010-05-08/ GetPolicyVersionResponse"`
	Document  string   `xml:"GetPolicyVersionResult>PolicyVersion>Document"`
	VersionID string   `xml:"GetPolicyVersionResult>PolicyVersion>VersionId"`
	Default   bool     `xml:"GetPolicyVersionResult>PolicyVersion>IsDefaultVersion"`
	ReqID     string   `xml:"ResponseMetadata>RequestId"`
}

func inlineList(m map[string]string) []xmlPolicyDetail {
	var out []xmlPolicyDetail
	for _, n := range slices.Sorted(maps.Keys(m)) {
		out = append(out, xmlPolicyDetail{PolicyName: n, PolicyDocument: Escape(m[n])})
	}
	return out
}

func attachedList(arns []string) []xmlAttached {
	var out []xmlAttached
	for _, a := range arns {
		out = append(out, xmlAttached{PolicyName: a[strings.LastIndex(a, "/")+1:], PolicyArn: a})
	}
	return out
}

func tagList(m map[string]string) []xmlTag {
	var out []xmlTag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, xmlTag{Key: k, Value: m[k]})
	}
	return out
}

func boundaryOf(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{Type: "PermissionsBoundaryPolicy", Arn: arn}
}

func managedOf(p ManagedPolicy) xmlManaged {
	v := p.Version
	if v == "" {
		v = "v1"
	}
	path := "/"
	return xmlManaged{PolicyName: p.Name, PolicyID: "ANPAFAKE" + strings.ToUpper(p.Name), Arn: p.ARN, Path: path, DefaultVersionID: v,
		AttachmentCount: p.Attachments, IsAttachable: true,
		Versions: []xmlVersion{{Document: Escape(p.Document), VersionID: v, Default: true, Created: "2026-01-01T00:00:00Z"}}}
}

func (s *Server) iam(w http.ResponseWriter, r *request, a *Account) {
	const created = "2026-01-01T00:00:00Z"
	switch r.op {
	case "GetAccountAuthorizationDetails":
		// All entities in one list, then cut into pages.
		type entity struct {
			u *xmlUser
			g *xmlGroup
			r *xmlRole
			p *xmlManaged
		}
		var all []entity
		entityOf := func(kind, path, name string, attached []string) xmlEntity {
			return xmlEntity{Path: path, Arn: "arn:aws:iam::" + a.ID + ":" + kind + path + name, CreateDate: created, Attached: attachedList(attached)}
		}
		for _, u := range a.IAM.Users {
			all = append(all, entity{u: &xmlUser{xmlEntity: entityOf("user", "/", u.Name, u.Attached),
				UserName: u.Name, UserID: "AIDAFAKE" + strings.ToUpper(u.Name), Inline: inlineList(u.Inline), Groups: u.Groups,
				xmlBounded: xmlBounded{Boundary: boundaryOf(u.Boundary), Tags: tagList(u.Tags)}}})
		}
		for _, g := range a.IAM.Groups {
			all = append(all, entity{g: &xmlGroup{xmlEntity: entityOf("group", "/", g.Name, g.Attached),
				GroupName: g.Name, GroupID: "AGPAFAKE" + strings.ToUpper(g.Name), Inline: inlineList(g.Inline)}})
		}
		for _, ro := range a.IAM.Roles {
			path := ro.Path
			if path == "" {
				path = "/"
			}
			all = append(all, entity{r: &xmlRole{xmlEntity: entityOf("role", path, ro.Name, ro.Attached),
				RoleName: ro.Name, RoleID: "AROAFAKE" + strings.ToUpper(ro.Name), Trust: Escape(ro.Trust), Inline: inlineList(ro.Inline),
				xmlBounded: xmlBounded{Boundary: boundaryOf(ro.Boundary), Tags: tagList(ro.Tags)}}})
		}
		for _, p := range a.IAM.Policies {
			m := managedOf(p)
			all = append(all, entity{p: &m})
		}
		start, end, next := r.span(len(all), a.IAM.PageSize, len(all)+1, false)
		out := authDetailsResponse{ReqID: "fake-request"}
		for i := start; i < end; i++ {
			e := all[i]
			switch {
			case e.u != nil:
				out.Users = append(out.Users, *e.u)
			case e.g != nil:
				out.Groups = append(out.Groups, *e.g)
			case e.r != nil:
				out.Roles = append(out.Roles, *e.r)
			case e.p != nil:
				out.Policies = append(out.Policies, *e.p)
			}
		}
		if next != "" {
			out.IsTruncated, out.Marker = true, next
		}
		writeXML(w, out)
	case "GetPolicy", "GetPolicyVersion":
		arn := r.str("PolicyArn")
		for _, p := range append(append([]ManagedPolicy(nil), a.IAM.Policies...), a.IAM.Hidden...) {
			if p.ARN != arn {
				continue
			}
			m := managedOf(p)
			if r.op == "GetPolicy" {
				writeXML(w, getPolicyResponse{PolicyName: m.PolicyName, PolicyID: m.PolicyID, Arn: m.Arn, DefaultVersionID: m.DefaultVersionID, ReqID: "fake-request"})
			} else {
				writeXML(w, getPolicyVersionResponse{Document: m.Versions[0].Document, VersionID: m.DefaultVersionID, Default: true, ReqID: "fake-request"})
			}
			return
		}
		writeQueryError(w, 404, "NoSuchEntity", "Policy "+arn+" was not found.")
	default:
		writeQueryError(w, 400, "InvalidAction", r.op)
	}
}

package file

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// creationTemplates reads the output of aws ecr
// describe-repository-creation-templates (ECR API Reference,
// "DescribeRepositoryCreationTemplates": registryId and
// repositoryCreationTemplates, each with its prefix, appliedFor and
// repositoryPolicy as a JSON string). The templates are the registry's of
// --region (or config `region`), as for the other ECR outputs; a template
// whose policy does not read is kept with its policy unread, beside the
// gap.
func (l *Reader) creationTemplates(in *input) {
	top, elems := l.topArray(in, "repositoryCreationTemplates")
	if top == nil {
		return
	}
	acct := top.account("registryId", false)
	region := l.opts.region()
	if top.err != nil {
		l.gapFor(in, estate.GapInvalidInput, top.err, l.opts.Account, region, "")
		return
	}
	if acct = l.registryAccount(in, acct, region, "describe-repository-creation-templates"); acct == "" {
		return
	}
	if m, ok := pageMarker(in.root); ok {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(m.KeyOff), Code: estate.GapTruncated, Account: acct, Region: region,
			Message: fmt.Sprintf("describe-repository-creation-templates output is truncated (%s): the file holds only the first page, and the templates on the other pages were not assessed; run the command without --max-items", describeMarker(m))})
	}
	for i, e := range elems {
		l.creationTemplate(in, in.objectAt(e, fmt.Sprintf("repositoryCreationTemplates[%d]", i)), acct, region)
	}
}

// registryAccount returns the account whose registry an ECR output is
// about: acct, its registryId, or else --account (config `account`); with
// neither, a gap says the output (of command) names none, and it returns "".
func (l *Reader) registryAccount(in *input, acct, region, command string) string {
	if acct == "" {
		acct = l.opts.Account
	}
	if acct == "" {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapNoAccount, Region: region,
			Message: command + " output names no account (no registryId): " + needAccount})
	}
	return acct
}

// describeRegistry reads the output of aws ecr describe-registry (ECR API
// Reference, "DescribeRegistry": registryId and replicationConfiguration,
// whose rules list their destinations, each a region and a registryId),
// the registry's of --region (or config `region`), as for the other ECR
// outputs.
func (l *Reader) describeRegistry(in *input) {
	top := in.objectAt(in.root, "")
	acct := top.account("registryId", false)
	region := l.opts.region()
	var dests []estate.ReplicationDestination
	if conf := top.sub("replicationConfiguration", true); conf != nil {
		for i, r := range conf.array("rules", true) {
			rule := in.objectAt(r, fmt.Sprintf("replicationConfiguration.rules[%d]", i))
			for j, d := range rule.array("destinations", true) {
				dest := in.objectAt(d, fmt.Sprintf("%s.destinations[%d]", rule.what, j))
				rd := estate.ReplicationDestination{Region: dest.str("region", true), Account: dest.account("registryId", true)}
				rule.take(dest)
				dests = append(dests, rd)
			}
			conf.take(rule)
		}
		top.take(conf)
	}
	if top.err != nil {
		l.gapFor(in, estate.GapInvalidInput, top.err, l.opts.Account, region, "")
		return
	}
	if acct = l.registryAccount(in, acct, region, "describe-registry"); acct == "" {
		return
	}
	reg := &l.est.Account(acct).Region(region).Registry
	for _, d := range dests {
		if !slices.Contains(reg.Replication, d) {
			reg.Replication = append(reg.Replication, d)
		}
	}
}

// creationTemplate reads o, one template of acct's registry in region.
func (l *Reader) creationTemplate(in *input, o *object, acct, region string) {
	prefix := o.str("prefix", true)
	var applied []string
	for j, a := range o.array("appliedFor", false) {
		if a.Kind != jsonpos.String || a.Text == "" {
			o.fail(a.Off, "%s.appliedFor[%d]: expected a string (%s, %s or %s), got %s", o.what, j, estate.ForPullThroughCache, estate.ForReplication, estate.ForCreateOnPush, describe(a))
			break
		}
		applied = append(applied, a.Text)
	}
	text := o.typed("repositoryPolicy", false, jsonpos.String, "the policy document as a JSON string")
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, acct, region, "")
		return
	}
	one := estate.New()
	t := one.Account(acct).Region(region).Template(prefix)
	t.AddAppliedFor(applied...)
	t.Source = in.pos(o.n.Off)
	switch {
	case text == nil || strings.TrimSpace(text.Text) == "":
		// The template gives the repositories it creates no policy.
		t.SetPolicy(nil)
	default:
		doc, err := policy.ParseEmbedded(in.data, text.Off, in.loc, false)
		if err != nil {
			l.gapFor(in, estate.GapParseError, err, acct, region, t.ARN)
			break
		}
		t.SetPolicy(&estate.Policy{Name: "repository policy of creation template " + prefix, Doc: doc, Source: doc.Pos})
	}
	l.est.Merge(one)
}

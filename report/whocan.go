package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/rules"
)

// WriteWhoCanJSON writes the answer of `ecrguard who-can` as JSON: the
// action, the resource, and the principals that can perform it (the
// entries of the analysis's WhoCan), each with the policies that grant it,
// its conditions and the unread tags it depends on.
func WriteWhoCanJSON(w io.Writer, action, resource string, entries []analysis.WhoCanEntry) error {
	type principal struct {
		ARN        string   `json:"arn"`
		Via        []string `json:"via"`
		Conditions []string `json:"conditions"`
		// UnreadTags: the grant depends on these repository tags, which
		// were not read.
		UnreadTags []string `json:"unread_tags,omitempty"`
	}
	out := struct {
		Action     string      `json:"action"`
		Resource   string      `json:"resource"`
		Principals []principal `json:"principals"`
	}{Action: action, Resource: resource, Principals: []principal{}}
	for _, e := range entries {
		p := principal{ARN: e.Principal, Via: e.Via, Conditions: e.Conditions, UnreadTags: e.UnreadTags}
		if p.Via == nil {
			p.Via = []string{}
		}
		if p.Conditions == nil {
			p.Conditions = []string{}
		}
		out.Principals = append(out.Principals, p)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteWhoCanTable writes the answer of `ecrguard who-can` as a table.
// incomplete says that some of what decides the answer was not read: the
// table ends by saying the list may be missing principals.
func WriteWhoCanTable(w io.Writer, action, resource string, entries []analysis.WhoCanEntry, incomplete bool) error {
	fmt.Fprintf(w, "Who can %s on %s\n\n", action, resource)
	defer func() {
		if incomplete {
			fmt.Fprintln(w, "\nINCOMPLETE: some of what decides this was not read (see the errors above); the list may be missing principals.")
		}
	}()
	if len(entries) == 0 {
		if incomplete {
			fmt.Fprintln(w, "Nobody, among what was read.")
			return nil
		}
		fmt.Fprintln(w, "Nobody (besides the account's root user).")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PRINCIPAL\tVIA\tCONDITIONS")
	for _, e := range entries {
		cond := "-"
		if len(e.Conditions) > 0 {
			cond = strings.Join(e.Conditions, "; ")
		}
		if len(e.UnreadTags) > 0 {
			cond += " (depends on tags that were not read: " + strings.Join(e.UnreadTags, "; ") + ")"
		}
		who := e.Principal
		if name, ok := rules.DetachedPolicy(who); ok {
			who = "whoever " + name + " is attached to"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", who, strings.Join(e.Via, ", "), cond)
	}
	return tw.Flush()
}

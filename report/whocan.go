package report

import (
	"fmt"
	"io"
	"strings"

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
	return encodeJSON(w, out)
}

// WriteWhoCanTable writes the answer of `ecrguard who-can` as a table that
// fits width columns (0 or less means 80): a row per principal when the
// columns fit, a block per principal when they do not. incomplete says
// that some of what decides the answer was not read: the table ends by
// saying the list may be missing principals.
func WriteWhoCanTable(w io.Writer, action, resource string, entries []analysis.WhoCanEntry, incomplete bool, width int) error {
	if err := writeWrapped(w, fmt.Sprintf("Who can %s on %s", action, resource), width); err != nil {
		return err
	}
	fmt.Fprintln(w)
	defer func() {
		if incomplete {
			fmt.Fprintln(w)
			_ = writeWrapped(w, "INCOMPLETE: some of what decides this was not read (see the errors above); the list may be missing principals.", width)
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
	var rows [][]string
	for _, e := range entries {
		cond := strings.Join(e.Conditions, "; ")
		if len(e.UnreadTags) > 0 {
			cond = strings.TrimSpace(cond + " (depends on tags that were not read: " + strings.Join(e.UnreadTags, "; ") + ")")
		}
		if cond == "" {
			cond = "-"
		}
		who := e.Principal
		if name, ok := rules.DetachedPolicy(who); ok {
			who = "whoever " + name + " is attached to"
		}
		rows = append(rows, []string{who, strings.Join(e.Via, ", "), cond})
	}
	return writeColumns(w, []string{"PRINCIPAL", "VIA", "CONDITIONS"}, rows, width)
}

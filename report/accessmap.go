package report

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// The access map of the HTML report: who (columns) can do which class of
// action (cells) on what (rows), from the entries' principals and actions.

// Column kinds, in the map's order.
const (
	colAnyone   = "anyone"
	colAccount  = "account"
	colOrg      = "organization"
	colService  = "service"
	colOwn      = "own"
	rowRepo     = "repository"
	rowRegistry = "registry"
	rowTemplate = "template"
	rowPublic   = "public"
	rowIdentity = "identity"
	rowOther    = "resource"
)

// mapClasses are the action classes a cell shows, in order; "other" holds
// the rest (read, list, write, tagging).
var mapClasses = []string{"pull", "push", "delete", "permissions", "other"}

// accessMap is the grid of the HTML report.
type accessMap struct {
	Columns []mapColumn
	Rows    []mapRow
}

type mapColumn struct {
	Key   string
	Kind  string
	Label string
	// Title says who the column stands for, in words.
	Title string
}

type mapRow struct {
	Key   string
	Kind  string
	Label string
	// Title is the resource's full name (an ARN).
	Title string
	Cells []mapCell
	// Other are the entries on the row that name no one who gets in (a
	// policy ecrguard could not evaluate, say), by ID, and their rules.
	Other []mapRef
}

// mapRef points at an entry: its ID and rules.
type mapRef struct {
	ID    int
	Rules string
}

// mapCell is what the principals of one column can do on one row's
// resource: action classes, the highest severity of the findings that say
// so, and the entries to read.
type mapCell struct {
	Classes  []string
	Severity rules.Severity
	Rules    []string
	Entries  []int
	Actions  []string
}

// Empty reports whether no finding puts anyone of the column on the row.
func (c mapCell) Empty() bool { return len(c.Classes) == 0 }

// buildAccessMap derives the map from entries: a row per resource of a
// statement entry (repositories first, then registries, creation
// templates, ECR Public repositories, then any other resource) and a row per account whose identity policies break a rule; a
// column per kind of principal. Entries without principals or actions (a
// policy ecrguard could not evaluate, say) have a row but no cells.
func buildAccessMap(entries []Entry) accessMap {
	cols := map[string]mapColumn{}
	rows := map[string]mapRow{}
	type cellKey struct{ row, col string }
	cells := map[cellKey]*mapCell{}
	for _, e := range entries {
		for _, f := range e.Findings {
			row := rowFor(e, f)
			if r, ok := rows[row.Key]; ok {
				row = r
			}
			if len(f.Principals) == 0 || len(f.Actions) == 0 {
				if !slices.ContainsFunc(row.Other, func(r mapRef) bool { return r.ID == e.ID }) {
					row.Other = append(row.Other, mapRef{ID: e.ID, Rules: strings.Join(e.Rules, " ")})
				}
			}
			rows[row.Key] = row
			owner := accountOf(f.Resource)
			for _, p := range f.Principals {
				col := columnFor(p, owner, e.Kind != ByStatement)
				cols[col.Key] = col
				k := cellKey{row.Key, col.Key}
				c := cells[k]
				if c == nil {
					c = &mapCell{Severity: f.Severity}
					cells[k] = c
				}
				c.Severity = max(c.Severity, f.Severity)
				for _, a := range f.Actions {
					c.Classes = append(c.Classes, actionClass(a))
					c.Actions = append(c.Actions, a)
				}
				c.Rules = append(c.Rules, f.RuleID)
				c.Entries = append(c.Entries, e.ID)
			}
		}
	}

	var m accessMap
	for _, c := range cols {
		m.Columns = append(m.Columns, c)
	}
	slices.SortFunc(m.Columns, func(a, b mapColumn) int {
		return cmp.Or(cmp.Compare(columnOrder(a.Kind), columnOrder(b.Kind)), cmp.Compare(a.Key, b.Key))
	})
	for _, r := range rows {
		m.Rows = append(m.Rows, r)
	}
	slices.SortFunc(m.Rows, func(a, b mapRow) int {
		return cmp.Or(cmp.Compare(rowOrder(a.Kind), rowOrder(b.Kind)), cmp.Compare(a.Label, b.Label), cmp.Compare(a.Key, b.Key))
	})
	for i, r := range m.Rows {
		slices.SortFunc(r.Other, func(a, b mapRef) int { return cmp.Compare(a.ID, b.ID) })
		for _, col := range m.Columns {
			c := cells[cellKey{r.Key, col.Key}]
			if c == nil {
				r.Cells = append(r.Cells, mapCell{})
				continue
			}
			var classes []string
			for _, cl := range mapClasses {
				if slices.Contains(c.Classes, cl) {
					classes = append(classes, cl)
				}
			}
			c.Classes = classes
			c.Rules = sortedSet(c.Rules)
			c.Actions = sortedSet(c.Actions)
			slices.Sort(c.Entries)
			c.Entries = slices.Compact(c.Entries)
			r.Cells = append(r.Cells, *c)
		}
		m.Rows[i] = r
	}
	return m
}

// rowFor names the row of one finding of entry e: its resource for a
// statement entry, the principal's account for an identity entry.
func rowFor(e Entry, f rules.Finding) mapRow {
	if e.Kind != ByStatement {
		acct := accountOf(f.Resource)
		label := "identity policies"
		if acct != "" {
			label += " of account " + acct
		}
		return mapRow{Key: "identity:" + acct, Kind: rowIdentity, Label: label,
			Title: "what the account's own principals can do on its repositories through identity policies"}
	}
	res := f.Resource
	if _, prefix, ok := strings.Cut(res, ":repository-creation-template/"); ok {
		return mapRow{Key: res, Kind: rowTemplate, Label: "template " + prefix, Title: res}
	}
	switch _, after, _ := strings.Cut(res, ":repository/"); {
	case after != "" && strings.Contains(res, ":ecr-public:"):
		return mapRow{Key: res, Kind: rowPublic, Label: "public " + after, Title: res}
	case after != "":
		return mapRow{Key: res, Kind: rowRepo, Label: after, Title: res}
	case strings.HasSuffix(res, ":registry"):
		label := "registry"
		if a := accountOf(res); a != "" {
			label += " " + a
		}
		if r := regionOf(res); r != "" {
			label += " " + r
		}
		return mapRow{Key: res, Kind: rowRegistry, Label: label, Title: res}
	}
	return mapRow{Key: res, Kind: rowOther, Label: res, Title: res}
}

// ownColumn holds the principals of the resource's own account.
var ownColumn = mapColumn{Key: colOwn, Kind: colOwn, Label: "own principals", Title: "the account's own users and roles"}

// columnFor names the column of principal p on a resource of account owner;
// identity entries' principals are the account's own.
func columnFor(p, owner string, identity bool) mapColumn {
	switch {
	case identity:
		return ownColumn
	case p == "*":
		return mapColumn{Key: colAnyone, Kind: colAnyone, Label: "anyone", Title: "anyone with an AWS account"}
	case strings.HasPrefix(p, "service:"):
		return mapColumn{Key: colService, Kind: colService, Label: "services for others",
			Title: "AWS services acting for accounts outside the zone of trust"}
	case strings.HasPrefix(p, "o-"):
		org, _, _ := strings.Cut(p, "/")
		return mapColumn{Key: "org:" + org, Kind: colOrg, Label: "org " + org, Title: "organization " + org}
	}
	if a := accountOf(p); a != "" {
		if a == owner {
			return ownColumn
		}
		return mapColumn{Key: "account:" + a, Kind: colAccount, Label: "account " + a, Title: "principals of account " + a + ", outside the zone of trust"}
	}
	return mapColumn{Key: "principal:" + p, Kind: colAccount, Label: p, Title: p}
}

func columnOrder(kind string) int {
	return slices.Index([]string{colAnyone, colAccount, colOrg, colService, colOwn}, kind)
}

func rowOrder(kind string) int {
	return slices.Index([]string{rowRepo, rowRegistry, rowTemplate, rowPublic, rowOther, rowIdentity}, kind)
}

// accountOf returns the account of an ARN, or "".
func accountOf(arn string) string {
	a, _ := policy.ParseARN(arn)
	return a.Account
}

// regionOf returns the region of an ARN, or "".
func regionOf(arn string) string {
	a, _ := policy.ParseARN(arn)
	return a.Region
}

// actionClass returns the map class of a catalog action name.
func actionClass(name string) string {
	a := catalog.Default().Lookup(name)
	if a == nil {
		return "other"
	}
	switch a.Class() {
	case catalog.ClassPull:
		return "pull"
	case catalog.ClassPush:
		return "push"
	case catalog.ClassDelete:
		return "delete"
	case catalog.ClassPermissionsManagement:
		return "permissions"
	}
	return "other"
}

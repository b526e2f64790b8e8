package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// minLastColumn is the narrowest the last column of a table may be wrapped
// to before the table is written as blocks instead.
const minLastColumn = 24

// writeColumns writes rows under a header (none when nil), aligned in columns two spaces
// apart, within width columns (0 or less means 80). When the rows do not
// fit, the last column is wrapped under itself; when even that leaves it
// less than minLastColumn columns, every row becomes a block: its first
// cell on a line, then each other non-empty cell on lines of its own,
// labelled with its column's header in lower case. Cells are made
// printable; a word longer than the room it has overflows rather than
// being broken.
func writeColumns(w io.Writer, header []string, rows [][]string, width int) error {
	width = fitWidth(width)
	all := rows
	if header != nil {
		all = append([][]string{header}, rows...)
	}
	if len(all) == 0 {
		return nil
	}
	n := len(all[0])
	widths := make([]int, n)
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(printable(c)))
		}
	}
	prefix := 0
	for _, wd := range widths[:n-1] {
		prefix += wd + 2
	}
	var b strings.Builder
	line := func(s string) { b.WriteString(strings.TrimRight(s, " ") + "\n") }
	switch room := width - prefix; {
	case room >= widths[n-1] || room >= minLastColumn:
		for _, r := range all {
			var head strings.Builder
			for i, c := range r[:n-1] {
				c = printable(c)
				head.WriteString(c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
			for j, l := range wrap(r[n-1], room) {
				if j == 0 {
					line(head.String() + l)
				} else {
					line(strings.Repeat(" ", prefix) + l)
				}
			}
		}
	default:
		label := 0
		for _, h := range header {
			label = max(label, utf8.RuneCountInString(h))
		}
		indent := 2 + label + 2
		for i, r := range rows {
			if i > 0 {
				line("")
			}
			for _, l := range wrap(r[0], width) {
				line(l)
			}
			for j, c := range r[1:] {
				if c == "" || c == "-" {
					continue
				}
				name := ""
				if header != nil {
					name = strings.ToLower(header[j+1])
				}
				for k, l := range wrap(c, width-indent) {
					if k == 0 {
						line("  " + name + strings.Repeat(" ", indent-2-utf8.RuneCountInString(name)) + l)
					} else {
						line(strings.Repeat(" ", indent) + l)
					}
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeWrapped writes text wrapped to width (0 or less means 80).
func writeWrapped(w io.Writer, text string, width int) error {
	width = fitWidth(width)
	var b strings.Builder
	for _, l := range wrap(text, width) {
		b.WriteString(l + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fitWidth returns the width a text report is laid out to: width, 80 when
// it is 0 or less, and never less than minWidth.
func fitWidth(width int) int {
	if width <= 0 {
		width = defaultWidth
	}
	return max(width, minWidth)
}

package report

import (
	"io"
	"os"

	"github.com/ecrguard/ecrguard/rules"
)

// Terminal is what a command knows of where it writes: whether it is a
// terminal, and how many columns wide (0 when unknown).
type Terminal struct {
	IsTerminal bool
	Columns    int
}

// Width is the width a text answer is laid out to there: the terminal's
// columns, or 80 when it is no terminal, its width is unknown, or it is
// 40 columns or narrower (too narrow to lay out; a wider layout that
// overflows reads better than one broken every few words).
func (t Terminal) Width() int {
	if t.IsTerminal && t.Columns > minWidth {
		return t.Columns
	}
	return defaultWidth
}

// Destination is where a report goes: the file Path when it is set, else
// Stdout, which is Terminal.
type Destination struct {
	Path     string
	Stdout   io.Writer
	Terminal Terminal
	// NoColor keeps colour off a terminal (--no-color, NO_COLOR).
	NoColor bool
}

// Write writes r in format f (Write) to the destination, with o's Color
// and Width set for it (WriteWith).
func (d Destination) Write(f Format, r *rules.Result, o Options) error {
	return d.WriteWith(o, func(w io.Writer, o Options) error { return Write(w, f, r, o) })
}

// WriteWith calls write with the destination's writer and o with Color
// and Width set for it: a file is plain and 80 columns wide; a terminal is
// coloured unless NoColor, and as wide as Terminal.Width says. A file is
// created for write and closed after it.
func (d Destination) WriteWith(o Options, write func(io.Writer, Options) error) (err error) {
	o.Color, o.Width = false, defaultWidth
	if d.Path == "" {
		o.Color = d.Terminal.IsTerminal && !d.NoColor
		o.Width = d.Terminal.Width()
		return write(d.Stdout, o)
	}
	file, err := os.Create(d.Path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}()
	return write(file, o)
}

// Package days lays a person's work days on the time line for the
// work-life sources: sets of time spans, the pieces of each day in the zone
// in force, working hours as spans, and the tally of a day's minutes.
package days

import (
	"slices"
	"time"
)

// Span is the half-open stretch of time [Start, End).
type Span struct {
	Start, End time.Time
}

// Len returns the length of s, 0 when it is empty.
func (s Span) Len() time.Duration {
	if !s.End.After(s.Start) {
		return 0
	}
	return s.End.Sub(s.Start)
}

// Set is a set of instants as sorted, disjoint, non-empty spans that do not
// touch.
type Set []Span

// Union returns the set of every instant of any of the spans.
func Union(spans ...Span) Set {
	in := make([]Span, 0, len(spans))
	for _, s := range spans {
		if s.End.After(s.Start) {
			in = append(in, s)
		}
	}
	slices.SortFunc(in, func(a, b Span) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return a.End.Compare(b.End)
	})
	out := in[:0]
	for _, s := range in {
		if n := len(out); n > 0 && !s.Start.After(out[n-1].End) {
			if s.End.After(out[n-1].End) {
				out[n-1].End = s.End
			}
			continue
		}
		out = append(out, s)
	}
	return Set(out)
}

// Or returns the union of s and o.
func (s Set) Or(o Set) Set {
	all := make([]Span, 0, len(s)+len(o))
	return Union(append(append(all, s...), o...)...)
}

// And returns the instants in both s and o.
func (s Set) And(o Set) Set {
	var out Set
	i, j := 0, 0
	for i < len(s) && j < len(o) {
		start := later(s[i].Start, o[j].Start)
		end := earlier(s[i].End, o[j].End)
		if end.After(start) {
			out = append(out, Span{start, end})
		}
		if s[i].End.Before(o[j].End) {
			i++
		} else {
			j++
		}
	}
	return out
}

// Minus returns the instants of s not in o.
func (s Set) Minus(o Set) Set {
	var out Set
	j := 0
	for _, x := range s {
		cur := x.Start
		for j < len(o) && !o[j].End.After(cur) {
			j++
		}
		for k := j; k < len(o) && o[k].Start.Before(x.End); k++ {
			if o[k].Start.After(cur) {
				out = append(out, Span{cur, o[k].Start})
			}
			if o[k].End.After(cur) {
				cur = o[k].End
			}
		}
		if x.End.After(cur) {
			out = append(out, Span{cur, x.End})
		}
	}
	return out
}

// Clip returns the instants of s inside w.
func (s Set) Clip(w Span) Set {
	if !w.End.After(w.Start) {
		return nil
	}
	i, _ := slices.BinarySearchFunc(s, w.Start, func(x Span, t time.Time) int {
		if !x.End.After(t) {
			return -1
		}
		return 1
	})
	var out Set
	for ; i < len(s) && s[i].Start.Before(w.End); i++ {
		start, end := later(s[i].Start, w.Start), earlier(s[i].End, w.End)
		if end.After(start) {
			out = append(out, Span{start, end})
		}
	}
	return out
}

// Len returns the total length of s.
func (s Set) Len() time.Duration {
	var d time.Duration
	for _, x := range s {
		d += x.Len()
	}
	return d
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// clock writes the wall clock of t in the person's zone: "07:15", or
// "7:15 AM" with the 12-hour clock.
func (s *session) clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(s.loc)
	if s.clock12 {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04")
}

// wall writes a wall clock as the person reads clocks.
func (s *session) wall(c civil.Clock) string {
	if s.clock12 {
		return time.Date(2000, 1, 1, c.Hour, c.Minute, 0, 0, time.UTC).Format("3:04 PM")
	}
	return c.String()
}

// anchorText says where an item's time hangs: "at 09:00", "15 min after
// wake", "45 min before bedtime".
func (s *session) anchorText(a timeline.Anchor) string {
	switch a.Type {
	case timeline.AnchorWake:
		return "wake"
	case timeline.AnchorBedtime:
		return "bedtime"
	}
	if len(a.Times) > 0 {
		ts := make([]string, len(a.Times))
		for i, c := range a.Times {
			ts[i] = s.wall(c)
		}
		return strings.Join(ts, ", ")
	}
	return s.wall(a.Time)
}

// anchorWithOffset says when an item is due relative to its anchor.
func (s *session) anchorWithOffset(a timeline.Anchor, offset int) string {
	base := s.anchorText(a)
	if a.Type == timeline.AnchorFixed && offset == 0 {
		return "at " + base
	}
	switch {
	case offset == 0:
		return "at " + base
	case offset > 0:
		return minutes(offset) + " after " + base
	}
	return minutes(-offset) + " before " + base
}

// minutes writes a span of minutes: "15 min", "1 h", "1 h 30 min".
func minutes(m int) string {
	h, m := m/60, m%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// achievementTitles are the titles of the catalog by code.
var achievementTitles = func() map[string]string {
	out := map[string]string{}
	for _, a := range score.Catalog() {
		out[a.Code] = a.Title
	}
	return out
}()

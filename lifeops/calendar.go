package lifeops

import (
	"context"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// MaxTimelineRangeDays is the longest range [Service.TimelineRange] reads.
const MaxTimelineRangeDays = 400

// TimelineRange is the person's timeline over a range of days, for a
// calendar feed: their items, the days each is due on, and the expanded
// feed of every day.
type TimelineRange struct {
	From, To civil.Date
	// Timezone is the person's zone now.
	Timezone string
	// Items are the person's items, each with the dates in the range it is
	// due on (before postponements, skips or completions).
	Items []RangeItem
	// Days holds the expanded feed of every day of the range, in order.
	Days []timeline.Feed
}

// RangeItem is an item with its due dates in a range.
type RangeItem struct {
	Item
	Due []civil.Date
}

// TimelineRange reads the person's timeline from one snapshot, for the
// days [from, to] (at most MaxTimelineRangeDays): what [Service.Feed]
// gives in the expanded view for each day, and when each item is due. It
// only reads.
func (s *Service) TimelineRange(ctx context.Context, userID uuid.UUID, from, to civil.Date) (TimelineRange, error) {
	if err := checkRange(from, to, MaxTimelineRangeDays); err != nil {
		return TimelineRange{}, err
	}
	q := SnapshotQuery{
		Days:   []Span{{From: from.AddDays(-2), To: to.AddDays(1)}},
		Events: []Span{{From: from.AddDays(-2), To: to}},
	}
	h, err := s.snapshot(ctx, s.store, userID, q)
	if err != nil {
		return TimelineRange{}, err
	}
	out := TimelineRange{From: from, To: to, Timezone: h.loc.String()}
	for _, it := range h.items {
		ri := RangeItem{Item: it.Item}
		for d := from; !d.After(to); d = d.AddDays(1) {
			if h.dueOn(it, d) {
				ri.Due = append(ri.Due, d)
			}
		}
		out.Items = append(out.Items, ri)
	}
	for d := from; !d.After(to); d = d.AddDays(1) {
		f, err := s.feed(h, d, timeline.ViewExpanded)
		if err != nil {
			return TimelineRange{}, err
		}
		out.Days = append(out.Days, f)
	}
	return out, nil
}

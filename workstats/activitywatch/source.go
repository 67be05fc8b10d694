package activitywatch

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/internal/days"
)

// SourceName is the Source of every work day the adapter delivers.
const SourceName = "activitywatch"

// display names the source in messages shown to people.
const display = "ActivityWatch"

// Person is what the source needs to know about a person: how their days
// lie (zone history, day-start hour) and their ActivityWatch settings.
type Person struct {
	Calendar workstats.Calendar
	Settings Settings
}

// Config configures [NewSource].
type Config struct {
	// People returns a person's calendar and settings. Required; its
	// error is returned from WorkDays as it is.
	People func(ctx context.Context, userID uuid.UUID) (Person, error)
	// Fetch configures the HTTP side: client, retry policy, circuit
	// breakers (one per ActivityWatch host), logger.
	Fetch workstats.FetcherConfig
	// Chunk is the longest stretch one events request asks for; zero
	// means DefaultChunk (a week).
	Chunk time.Duration
	// Logger receives a warning for what is left out (a host without
	// buckets, a category whose regular expression Go cannot read); nil
	// discards.
	Logger *slog.Logger
	// Now stamps UpdatedAt; nil means time.Now.
	Now func() time.Time
}

// MaxRangeDays bounds the dates one WorkDays call may ask for.
const MaxRangeDays = 400

// Source implements [lifeops.WorkStatsSource] from a person's
// ActivityWatch server. Safe for concurrent use.
type Source struct {
	people  func(ctx context.Context, userID uuid.UUID) (Person, error)
	fetcher *workstats.Fetcher
	chunk   time.Duration
	logger  *slog.Logger
	now     func() time.Time
}

var _ lifeops.WorkStatsSource = (*Source)(nil)

// NewSource returns the adapter, or an error for a missing People or a bad
// retry policy.
func NewSource(cfg Config) (*Source, error) {
	if cfg.People == nil {
		return nil, &lifeops.ValidationError{Field: "people", Reason: "is required"}
	}
	fc := cfg.Fetch
	fc.Source = SourceName
	if fc.UserAgent == "" {
		fc.UserAgent = "lifeops-activitywatch/1 (+https://github.com/lifeops/lifeops)"
	}
	f, err := workstats.NewFetcher(fc)
	if err != nil {
		return nil, err
	}
	s := &Source{people: cfg.People, fetcher: f, chunk: cfg.Chunk, logger: cfg.Logger, now: cfg.Now}
	if s.chunk <= 0 {
		s.chunk = DefaultChunk
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// Name returns SourceName, the Source of every day the adapter delivers.
func (s *Source) Name() string { return SourceName }

// WorkDays returns the person's work days in [from, to] from their
// ActivityWatch server. Active time is window activity while the AFK
// watcher says the person was at the keyboard; each stretch of it is
// classified by the person's rules (a browser window by its active tab).
// Per person day:
//
//   - WorkMinutes: active time classified as work or meeting, on any host;
//     time active on two hosts at once counts once.
//   - AfterHoursMinutes: the part of it outside the working hours.
//   - MeetingMinutes: the part classified as meeting; nil when no rule
//     finds meetings.
//   - BreakMinutes: time away from every host, in stretches of at least
//     MinBreakMinutes, between the day's first and last activity, inside
//     the working hours.
//
// A stretch that crosses the person's day start is split between the two
// days. A date with no activity at all is left out; one with activity but
// no work has 0 work minutes. Errors carry lifeops codes (see
// [workstats.Translate]).
func (s *Source) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.WorkDay, error) {
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil, lifeops.Errorf(lifeops.CodeInvalid, "The date range %s to %s is not valid.", from, to)
	}
	if to.Sub(from) >= MaxRangeDays {
		return nil, lifeops.Errorf(lifeops.CodeInvalid, "At most %d days can be read at once.", MaxRangeDays)
	}
	p, err := s.people(ctx, userID)
	if err != nil {
		return nil, err
	}
	c, err := p.Settings.compile()
	if err != nil {
		return nil, err
	}
	layout, err := days.New(p.Calendar)
	if err != nil {
		return nil, err
	}
	window := layout.Window(from, to)
	if window.End.IsZero() {
		return nil, nil
	}
	client, err := newClient(s.fetcher, p.Settings.BaseURL)
	if err != nil {
		return nil, err
	}
	client.chunk = s.chunk
	t, err := s.read(ctx, userID, client, c, window)
	if err != nil {
		return nil, workstats.Translate(display, err)
	}
	hours := p.Settings.WorkingHours
	minBreak := time.Duration(c.minBreak) * time.Minute
	return days.Tally(userID, SourceName, layout.Pieces(from, to), days.Totals{
		Present: t.present, Work: t.work, Meetings: t.meetings, HasMeetings: c.hasMeetings(), Hours: &hours,
		Breaks: func(p days.Piece) days.Set { return breaks(t.present, p, hours, minBreak) },
	}, s.now()), nil
}

// breaks returns the time away in piece p: stretches of at least min
// between the first and the last active instant of the piece, inside the
// working hours.
func breaks(present days.Set, p days.Piece, hours workstats.WorkingHours, min time.Duration) days.Set {
	act := present.Clip(p.Span)
	if len(act) < 2 {
		return nil
	}
	var gaps []days.Span
	for i := 1; i < len(act); i++ {
		if g := (days.Span{Start: act[i-1].End, End: act[i].Start}); g.Len() >= min {
			gaps = append(gaps, g)
		}
	}
	return days.Union(gaps...).And(days.Working(hours, p))
}

// totals are the sets of time one read found.
type totals struct {
	present, work, meetings days.Set
}

// hostBuckets are the buckets of one host.
type hostBuckets struct {
	window, afk string
}

// read fetches and classifies everything in window.
func (s *Source) read(ctx context.Context, userID uuid.UUID, client *Client, c *compiled, window days.Span) (totals, error) {
	buckets, err := client.Buckets(ctx)
	if err != nil {
		return totals{}, err
	}
	hosts := map[string]*hostBuckets{}
	var webIDs []string
	for _, b := range buckets {
		switch b.Type {
		case TypeWindow, TypeAFK:
			if len(c.hosts) > 0 && !c.hosts[b.Hostname] {
				continue
			}
			h := hosts[b.Hostname]
			if h == nil {
				h = &hostBuckets{}
				hosts[b.Hostname] = h
			}
			if b.Type == TypeWindow && h.window == "" {
				h.window = b.ID
			} else if b.Type == TypeAFK && h.afk == "" {
				h.afk = b.ID
			}
		case TypeWeb:
			if len(c.hosts) == 0 || c.hosts[b.Hostname] || b.Hostname == "" || b.Hostname == "unknown" {
				webIDs = append(webIDs, b.ID)
			}
		}
	}
	names := make([]string, 0, len(hosts))
	for name, h := range hosts {
		if h.window == "" || h.afk == "" {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "activitywatch: a host without both a window and an AFK bucket is left out",
				slog.String("user_id", userID.String()), slog.String("host", name))
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return totals{}, lifeops.Errorf(lifeops.CodeNotFound, "ActivityWatch has no host with both a window and an AFK watcher%s.", hostList(c))
	}
	var cats *categorizer
	if c.useCats {
		list, err := client.Categories(ctx)
		if err != nil {
			return totals{}, err
		}
		var skipped []string
		cats, skipped = newCategorizer(list)
		for _, name := range skipped {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "activitywatch: a category whose regular expression Go cannot read matches nothing",
				slog.String("user_id", userID.String()), slog.String("category", name))
		}
	}
	var web []Event
	for _, id := range webIDs {
		evs, err := client.Events(ctx, id, window.Start, window.End)
		if err != nil {
			return totals{}, err
		}
		web = append(web, evs...)
	}
	tabs := newTabIndex(web)
	kinds := map[activity]Kind{}
	classify := func(a activity) Kind {
		k, ok := kinds[a]
		if !ok {
			k = c.classify(a, cats)
			kinds[a] = k
		}
		return k
	}
	var present, work, meetings []days.Span
	for _, name := range names {
		h := hosts[name]
		afk, err := client.Events(ctx, h.afk, window.Start, window.End)
		if err != nil {
			return totals{}, err
		}
		var act []days.Span
		for _, e := range afk {
			if e.String("status") == "not-afk" {
				act = append(act, days.Span{Start: e.Timestamp, End: e.End()})
			}
		}
		active := days.Union(act...)
		present = append(present, active...)
		wins, err := client.Events(ctx, h.window, window.Start, window.End)
		if err != nil {
			return totals{}, err
		}
		for _, e := range wins {
			app, title := e.String("app"), e.String("title")
			for _, seg := range active.Clip(days.Span{Start: e.Timestamp, End: e.End()}) {
				var parts []part
				if c.browsers[strings.ToLower(app)] {
					parts = tabs.split(seg, app, title)
				} else {
					parts = []part{{seg, activity{app: app, title: title}}}
				}
				for _, p := range parts {
					switch classify(p.what) {
					case KindWork:
						work = append(work, p.Span)
					case KindMeeting:
						work = append(work, p.Span)
						meetings = append(meetings, p.Span)
					}
				}
			}
		}
	}
	return totals{present: days.Union(present...), work: days.Union(work...), meetings: days.Union(meetings...)}, nil
}

func hostList(c *compiled) string {
	if len(c.hosts) == 0 {
		return ""
	}
	names := make([]string, 0, len(c.hosts))
	for h := range c.hosts {
		names = append(names, fmt.Sprintf("%q", h))
	}
	slices.Sort(names)
	return " among " + strings.Join(names, ", ")
}

// part is a stretch of active time and what it shows.
type part struct {
	days.Span
	what activity
}

// tabIndex finds the browser tabs active during a stretch of time.
type tabIndex struct {
	tabs   []Event // ordered by Timestamp
	maxDur time.Duration
}

func newTabIndex(web []Event) *tabIndex {
	slices.SortStableFunc(web, func(a, b Event) int { return a.Timestamp.Compare(b.Timestamp) })
	t := &tabIndex{tabs: web}
	for _, e := range web {
		t.maxDur = max(t.maxDur, e.Duration)
	}
	return t
}

// split cuts seg, a stretch of a browser window in front, by the tabs
// active in it: each part covered by a tab shows that tab's URL and title,
// the rest the window's title.
func (t *tabIndex) split(seg days.Span, app, title string) []part {
	lo, _ := slices.BinarySearchFunc(t.tabs, seg.Start.Add(-t.maxDur), func(e Event, x time.Time) int { return e.Timestamp.Compare(x) })
	var out []part
	var covered []days.Span
	for i := lo; i < len(t.tabs) && t.tabs[i].Timestamp.Before(seg.End); i++ {
		e := t.tabs[i]
		for _, x := range (days.Set{seg}).Clip(days.Span{Start: e.Timestamp, End: e.End()}).Minus(days.Union(covered...)) {
			tabTitle := e.String("title")
			if tabTitle == "" {
				tabTitle = title
			}
			out = append(out, part{x, activity{app: app, title: tabTitle, url: e.String("url")}})
			covered = append(covered, x)
		}
	}
	for _, x := range (days.Set{seg}).Minus(days.Union(covered...)) {
		out = append(out, part{x, activity{app: app, title: title}})
	}
	return out
}

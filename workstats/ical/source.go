package ical

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/internal/days"
)

// SourceName is the Source of every work day the adapter delivers.
const SourceName = "calendar"

// display names the source in messages shown to people.
const display = "The calendar"

// Person is what the source needs to know about a person: how their days
// lie (zone history, day-start hour) and their calendar settings.
type Person struct {
	Calendar workstats.Calendar
	Settings Settings
}

// Config configures [NewSource].
type Config struct {
	// People returns a person's calendar and settings. Required. An error
	// is returned from WorkDays as it is (a lifeops.ErrNotFound for an
	// unknown person, say).
	People func(ctx context.Context, userID uuid.UUID) (Person, error)
	// Files is where feeds given as a file are read from, such as
	// os.DirFS(dir) or an os.Root's FS; nil refuses file feeds. Paths
	// never leave it.
	Files fs.FS
	// Fetch configures the HTTP side: client, retry policy, circuit
	// breakers, logger. Its Source is set to SourceName and its MaxBody to
	// Limits.MaxBytes.
	Fetch workstats.FetcherConfig
	// Limits bound what one feed may cost; zero fields take the defaults.
	Limits Limits
	// CacheSize bounds how many parsed feeds are kept, with their ETag and
	// Last-Modified, for conditional requests; default 256.
	CacheSize int
	// Logger receives a warning per feed problem (UID and reason, never a
	// URL or a summary); nil discards.
	Logger *slog.Logger
	// Now stamps UpdatedAt; nil means time.Now.
	Now func() time.Time
}

// MaxRangeDays bounds the dates one WorkDays call may ask for.
const MaxRangeDays = 400

// Source implements [lifeops.WorkStatsSource] from a person's calendar
// feeds: meeting minutes per day. Safe for concurrent use.
type Source struct {
	people  func(ctx context.Context, userID uuid.UUID) (Person, error)
	files   fs.FS
	fetcher *workstats.Fetcher
	limits  Limits
	logger  *slog.Logger
	now     func() time.Time
	cache   *feedCache
}

var _ lifeops.WorkStatsSource = (*Source)(nil)

// NewSource returns the adapter, or an error for a missing People or a bad
// retry policy.
func NewSource(cfg Config) (*Source, error) {
	if cfg.People == nil {
		return nil, &lifeops.ValidationError{Field: "people", Reason: "is required"}
	}
	lim := cfg.Limits.withDefaults()
	fc := cfg.Fetch
	fc.Source = SourceName
	fc.MaxBody = lim.MaxBytes
	if fc.UserAgent == "" {
		fc.UserAgent = "lifeops-ical/1 (+https://github.com/lifeops/lifeops)"
	}
	f, err := workstats.NewFetcher(fc)
	if err != nil {
		return nil, err
	}
	s := &Source{people: cfg.People, files: cfg.Files, fetcher: f, limits: lim, logger: cfg.Logger, now: cfg.Now,
		cache: &feedCache{max: cfg.CacheSize, entries: map[[32]byte]*cached{}}}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.cache.max <= 0 {
		s.cache.max = 256
	}
	return s, nil
}

// Name returns SourceName, the Source of every day the adapter delivers.
func (s *Source) Name() string { return SourceName }

// WorkDays returns the person's work days in [from, to] from their
// calendar feeds: on every date with at least one meeting, MeetingMinutes
// is the time in meetings (overlapping meetings, in one feed or across
// feeds, count once), WorkMinutes the same (a calendar knows no more of a
// day's work than its meetings), and AfterHoursMinutes the part outside
// the person's working hours when the settings give them (else 0).
// BreakMinutes is nil. Meetings that cross the person's day start are
// split between the two days. Dates without meetings are left out.
//
// Every feed must be read: a feed that fails fails the call, with a
// lifeops code (see [workstats.Translate]). What a feed holds that cannot
// be counted as written (see [Problem]) is logged and left out.
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
	if err := p.Settings.Validate(); err != nil {
		return nil, err
	}
	layout, err := days.New(p.Calendar)
	if err != nil {
		return nil, err
	}
	window := layout.Window(from, to)
	if window.End.IsZero() {
		return nil, nil // every date of the range was skipped by zone changes
	}
	// A floating time on date d is read in the zone in force at noon UTC
	// that date.
	opt := Options{Selection: p.Settings.Selection, zoneOn: func(d civil.Date) *time.Location {
		return layout.ZoneAt(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC))
	}}
	var spans []days.Span
	for _, f := range p.Settings.Feeds {
		cal, err := s.feed(ctx, f)
		if err != nil {
			return nil, err
		}
		ms, probs := cal.Meetings(window.Start, window.End, opt)
		s.report(ctx, userID, f.ID, append(cal.Problems()[:len(cal.Problems()):len(cal.Problems())], probs...))
		for _, m := range ms {
			spans = append(spans, days.Span{Start: m.Start, End: m.End})
		}
	}
	meetings := days.Union(spans...)
	return days.Tally(userID, SourceName, layout.Pieces(from, to), days.Totals{
		Present: meetings, Work: meetings, Meetings: meetings, HasMeetings: true, Hours: p.Settings.WorkingHours,
	}, s.now()), nil
}

// report logs the problems of a feed.
func (s *Source) report(ctx context.Context, userID uuid.UUID, feedID string, probs []Problem) {
	for _, p := range probs {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "ical: part of a feed is not counted",
			slog.String("user_id", userID.String()), slog.String("feed", feedID), slog.String("uid", p.UID), slog.String("reason", p.Reason))
	}
}

// feed returns the parsed calendar of f, from the cache when the server
// says it has not changed.
func (s *Source) feed(ctx context.Context, f Feed) (*Calendar, error) {
	if f.File != "" {
		return s.file(f)
	}
	key := sha256.Sum256([]byte(f.URL.Reveal()))
	old := s.cache.get(key)
	req := &workstats.Request{URL: f.URL.url(), Header: http.Header{"Accept": {"text/calendar, */*;q=0.5"}},
		Target:  "GET " + f.URL.url().Scheme + "://" + f.URL.Host() + "/… (feed " + f.ID + ")",
		Secrets: []string{f.URL.Reveal(), f.URL.url().Path, f.URL.url().RawQuery, f.URL.url().EscapedPath()}}
	if old != nil {
		if old.etag != "" {
			req.Header.Set("If-None-Match", old.etag)
		}
		if old.modified != "" {
			req.Header.Set("If-Modified-Since", old.modified)
		}
	}
	resp, err := s.fetcher.Get(ctx, req)
	if err != nil {
		return nil, workstats.Translate(display, err)
	}
	if resp.Status == http.StatusNotModified {
		if old == nil {
			return nil, workstats.Translate(display, &workstats.DecodeError{Source: SourceName, Target: req.Target, Err: errors.New("304 Not Modified to an unconditional request")})
		}
		return old.cal, nil
	}
	cal, err := parse(resp.Body, s.limits)
	if err != nil {
		return nil, workstats.Translate(display, &workstats.DecodeError{Source: SourceName, Target: req.Target, Err: err})
	}
	if etag, mod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"); etag != "" || mod != "" {
		s.cache.put(key, &cached{cal: cal, etag: etag, modified: mod})
	}
	return cal, nil
}

// file reads a feed from Config.Files.
func (s *Source) file(f Feed) (*Calendar, error) {
	if s.files == nil {
		return nil, lifeops.Errorf(lifeops.CodeInvalid, "Calendar files are not enabled here; give the feed's URL instead.")
	}
	fh, err := s.files.Open(f.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, lifeops.WrapError(lifeops.CodeNotFound, err, fmt.Sprintf("The calendar file of feed %q does not exist.", f.ID))
		}
		return nil, lifeops.WrapError(lifeops.CodeUnavailable, err, fmt.Sprintf("The calendar file of feed %q cannot be read.", f.ID))
	}
	defer fh.Close()
	cal, err := Parse(fh, s.limits)
	if err != nil {
		if errors.Is(err, workstats.ErrTooLarge) {
			return nil, lifeops.WrapError(lifeops.CodeInvalid, err, fmt.Sprintf("The calendar file of feed %q is larger than LifeOps reads.", f.ID))
		}
		return nil, lifeops.WrapError(lifeops.CodeInvalid, err, fmt.Sprintf("The calendar file of feed %q is not an iCalendar file LifeOps can read.", f.ID))
	}
	return cal, nil
}

// feedCache keeps parsed feeds by the SHA-256 of their URL, so the URL
// itself is not kept twice, with the validators of conditional requests.
type feedCache struct {
	max     int
	mu      sync.Mutex
	entries map[[32]byte]*cached
	tick    uint64
}

type cached struct {
	cal            *Calendar
	etag, modified string
	used           uint64
}

func (c *feedCache) get(k [32]byte) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[k]
	if e != nil {
		c.tick++
		e.used = c.tick
	}
	return e
}

func (c *feedCache) put(k [32]byte, e *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	e.used = c.tick
	if _, ok := c.entries[k]; !ok && len(c.entries) >= c.max {
		var oldest [32]byte
		first := true
		for key, v := range c.entries {
			if first || v.used < c.entries[oldest].used {
				oldest, first = key, false
			}
		}
		delete(c.entries, oldest)
	}
	c.entries[k] = e
}

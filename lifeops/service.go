package lifeops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// Config wires a [Service]. Only Store is required; every other field has
// the default its comment names.
type Config struct {
	// Store keeps every record. Required.
	Store Store
	// Health is where Sync reads health data. Nil makes Sync fail with
	// ErrUnavailable; everything else works without it.
	Health HealthSource
	// WorkSources are where Sync reads work-day statistics, each under its
	// own name (a time tracker, a calendar, ...); their days are merged
	// with the person's own entries (see [MergeWorkDays]). None leaves work
	// days to entry by hand with PutWorkDay.
	WorkSources []WorkStatsSource
	// Clock tells the time. Nil means the system clock.
	Clock Clock
	// Logger receives the Service's log lines. Nil discards them.
	Logger *slog.Logger
	// SyncOverlapDays is how many already-synced days a default Sync fetches
	// again, because providers revise recent days. Zero means 3.
	SyncOverlapDays int
	// FirstSyncDays is how many days, today included, the first Sync of a
	// user fetches of each kind. Zero means 30.
	FirstSyncDays int
	// SyncSpanDays is the most days of one kind a default Sync (one
	// without a start date) fetches. A kind further behind, after a long
	// gap or on a first sync longer than this, is fetched oldest days
	// first, this many per call, and each default Sync resumes where the
	// last stopped until the kind is current (see [SyncRange.Behind]).
	// It must be more than SyncOverlapDays. Zero means 90, or
	// FirstSyncDays when that is more.
	SyncSpanDays int
	// StreakRules set how streak freezes are earned and spent. Nil means
	// score.DefaultStreakRules (one freeze per 7 done days, 2 at most).
	StreakRules *score.StreakRules
	// TodayCache is how many people's Today the Service keeps, to answer
	// a Today asked again while the person's data and the Clock's minute
	// are unchanged with one statement instead of a snapshot (see
	// [Service.Today]). Zero means DefaultTodayCache; negative keeps none.
	TodayCache int
}

// Service runs every LifeOps use case on top of the ports. It holds no
// global state and is safe for concurrent use; create it with [New].
//
// Days: every use case that takes a date means the person's own calendar
// day, which starts at their day-start hour in their zone (see [User]). A
// zero date for a single day means "the person's current day", which the
// Service works out from its Clock, the user's zone and their day-start
// hour; a date range takes real dates at both ends.
type Service struct {
	store       Store
	health      HealthSource
	work        []WorkStatsSource
	clock       Clock
	log         *slog.Logger
	overlap     int
	firstSync   int
	span        int
	streakRules score.StreakRules
	todays      *todayCache // nil when Config.TodayCache is negative

	// syncing serialises the syncs of one user within this process, so two
	// overlapping syncs do not fetch the same data twice at once. (Their
	// writes are units of work, safe whatever runs at once.)
	syncing userLocks
	// zones caches the zones loaded, by name: loading one reads the zone
	// database.
	zones zoneCache
}

// New returns a Service for cfg. It fails with ErrInvalid when cfg is nil,
// has no Store, or has a negative or out-of-range setting.
func New(cfg *Config) (*Service, error) {
	if cfg == nil {
		return nil, invalid("config", "is required")
	}
	var p problems
	if cfg.Store == nil {
		p.add("store", "is required")
	}
	if cfg.SyncOverlapDays < 0 || cfg.SyncOverlapDays > 60 {
		p.add("sync_overlap_days", "must be between 0 and 60, got %d", cfg.SyncOverlapDays)
	}
	if cfg.FirstSyncDays < 0 || cfg.FirstSyncDays > maxSyncDays {
		p.add("first_sync_days", "must be between 0 and %d, got %d", maxSyncDays, cfg.FirstSyncDays)
	}
	if cfg.SyncSpanDays < 0 || cfg.SyncSpanDays > maxSyncDays {
		p.add("sync_span_days", "must be between 0 and %d, got %d", maxSyncDays, cfg.SyncSpanDays)
	} else if overlap := cmp.Or(cfg.SyncOverlapDays, defaultSyncOverlapDays); cfg.SyncSpanDays != 0 && cfg.SyncSpanDays <= overlap {
		p.add("sync_span_days", "must be more than the sync overlap (%d days), got %d", overlap, cfg.SyncSpanDays)
	}
	rules := score.DefaultStreakRules()
	if cfg.StreakRules != nil {
		rules = *cfg.StreakRules
		if _, err := score.CountStreak(score.StreakInput{Today: civil.D(2000, 1, 1), Rules: rules}); err != nil {
			p.addErr(translate(err))
		}
	}
	names := map[string]bool{}
	for i, w := range cfg.WorkSources {
		field := fmt.Sprintf("work_sources[%d]", i)
		switch {
		case w == nil:
			p.add(field, "is nil")
		case !validSourceName(w.Name()):
			p.add(field, "name %q must be 1 to 32 lowercase letters, digits, '-' or '_', and not %q", w.Name(), SourceManual)
		case names[w.Name()]:
			p.add(field, "name %q is used twice", w.Name())
		default:
			names[w.Name()] = true
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	s := &Service{
		store: cfg.Store, health: cfg.Health, work: slices.Clone(cfg.WorkSources), clock: cfg.Clock, log: cfg.Logger,
		overlap: cfg.SyncOverlapDays, firstSync: cfg.FirstSyncDays, span: cfg.SyncSpanDays, streakRules: rules,
		todays: newTodayCache(cfg.TodayCache),
	}
	if s.clock == nil {
		s.clock = systemClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.overlap == 0 {
		s.overlap = defaultSyncOverlapDays
	}
	if s.firstSync == 0 {
		s.firstSync = 30
	}
	if s.span == 0 {
		s.span = max(defaultSyncSpanDays, s.firstSync)
	}
	return s, nil
}

// maxSyncDays bounds one sync's date range.
const maxSyncDays = 3 * 366

// The defaults of Config.SyncOverlapDays and Config.SyncSpanDays.
const (
	defaultSyncOverlapDays = 3
	defaultSyncSpanDays    = 90
)

// now returns the current instant from the Service's clock.
func (s *Service) now() time.Time { return s.clock.Now() }

// person is a user with their zone loaded.
type person struct {
	User
	loc *time.Location
}

// person loads the user and their zone.
func (s *Service) person(ctx context.Context, userID uuid.UUID) (person, error) {
	u, err := s.store.User(ctx, userID)
	if err != nil {
		return person{}, fmt.Errorf("load user: %w", err)
	}
	loc, err := s.zones.load(u.Zone)
	if err != nil {
		return person{}, fmt.Errorf("load zone of user %s: %w", userID, err)
	}
	return person{u, loc}, nil
}

// dayOf returns the person's day that the instant t belongs to.
func (p person) dayOf(t time.Time) civil.Date {
	d, err := score.PersonDay(t, p.loc, p.DayStartHour)
	if err != nil { // the zone and hour were validated when stored
		return civil.DateOf(t.In(p.loc))
	}
	return d
}

// today returns the person's current day.
func (s *Service) today(p person) civil.Date { return p.dayOf(s.now()) }

// dayOrToday returns d, or the person's current day when d is zero. A d
// that is not a real date is a *ValidationError for field.
func (s *Service) dayOrToday(p person, d civil.Date, field string) (civil.Date, error) {
	if d.IsZero() {
		return s.today(p), nil
	}
	if !d.IsValid() {
		return civil.Date{}, invalid(field, "must be a real date")
	}
	return d, nil
}

// checkRange validates an inclusive date range of at most maxDays days
// given as the fields "from" and "to".
func checkRange(from, to civil.Date, maxDays int) error {
	return checkNamedRange("from", from, "to", to, maxDays)
}

// checkNamedRange validates an inclusive date range of at most maxDays
// days, naming its ends fromField and toField in errors.
func checkNamedRange(fromField string, from civil.Date, toField string, to civil.Date, maxDays int) error {
	var p problems
	if !from.IsValid() {
		p.add(fromField, "must be a real date")
	}
	if !to.IsValid() {
		p.add(toField, "must be a real date")
	}
	if p.err() == nil {
		switch {
		case to.Before(from):
			p.add(toField, "must not be before %s (%s)", fromField, from)
		case to.Sub(from) >= maxDays:
			p.add(toField, "the range may span at most %d days", maxDays)
		}
	}
	return p.err()
}

// ---- users and profile

// NewUser is what it takes to create a user. Nil fields get defaults: day
// start 04:00, wake time 07:00, bedtime 23:00.
type NewUser struct {
	ID           uuid.UUID    `json:"id,omitzero"` // zero means a new random id
	Name         string       `json:"name"`
	Zone         string       `json:"timezone"`
	DayStartHour *int         `json:"day_start_hour,omitempty"`
	WakeTime     *civil.Clock `json:"wake_time,omitempty"`
	Bedtime      *civil.Clock `json:"bedtime,omitempty"`
}

// CreateUser creates a user, at version 1, and gives them [DefaultGoals].
// Creating the same ID again with the same profile returns the stored user
// (so a retried request is harmless); with a different profile it is
// ErrConflict.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (User, error) {
	now := s.now()
	u := User{ID: in.ID, Name: in.Name, Zone: in.Zone, DayStartHour: DefaultDayStartHour,
		WakeTime: defaultWakeTime(), Bedtime: defaultBedtime(), Version: 1, CreatedAt: now, UpdatedAt: now}
	if u.ID == uuid.Nil {
		u.ID = uuid.New()
	}
	if in.DayStartHour != nil {
		u.DayStartHour = *in.DayStartHour
	}
	if in.WakeTime != nil {
		u.WakeTime = *in.WakeTime
	}
	if in.Bedtime != nil {
		u.Bedtime = *in.Bedtime
	}
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	err := s.store.CreateUser(ctx, u)
	if errors.Is(err, ErrConflict) {
		old, gerr := s.store.User(ctx, u.ID)
		if gerr != nil || !sameProfile(old, u) {
			return User{}, Errorf(CodeConflict, "A user with this id exists.")
		}
	} else if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	} else {
		s.log.InfoContext(ctx, "user created", "user_id", u.ID)
	}
	var out User
	err = s.update(ctx, u.ID, func(w *unit) error {
		if _, err := w.tx.Goals(ctx, u.ID); errors.Is(err, ErrNotFound) {
			g := DefaultGoals(u.ID)
			g.UpdatedAt = s.now()
			if err := w.tx.PutGoals(ctx, g); err != nil {
				return fmt.Errorf("default goals: %w", err)
			}
		} else if err != nil {
			return err
		}
		out, err = w.tx.User(ctx, u.ID)
		return err
	})
	return out, err
}

func sameProfile(a, b User) bool {
	return a.Name == b.Name && a.Zone == b.Zone && a.DayStartHour == b.DayStartHour && a.WakeTime == b.WakeTime && a.Bedtime == b.Bedtime
}

// Profile returns the user.
func (s *Service) Profile(ctx context.Context, userID uuid.UUID) (User, error) {
	return s.store.User(ctx, userID)
}

// ProfileUpdate changes some fields of a profile; nil fields stay as they
// are.
type ProfileUpdate struct {
	Name         *string      `json:"name,omitempty"`
	Zone         *string      `json:"timezone,omitempty"`
	DayStartHour *int         `json:"day_start_hour,omitempty"`
	WakeTime     *civil.Clock `json:"wake_time,omitempty"`
	Bedtime      *civil.Clock `json:"bedtime,omitempty"`
	// IfVersion, when not zero, makes the update conditional: it applies
	// only to the profile at this version (see [User.Version]), and is a
	// *StaleError (ErrConflict) otherwise. An HTTP layer sets it from
	// If-Match.
	IfVersion int64 `json:"-"`
}

// apply returns u with up applied.
func (up ProfileUpdate) apply(u User) User {
	if up.Name != nil {
		u.Name = *up.Name
	}
	if up.Zone != nil {
		u.Zone = *up.Zone
	}
	if up.DayStartHour != nil {
		u.DayStartHour = *up.DayStartHour
	}
	if up.WakeTime != nil {
		u.WakeTime = *up.WakeTime
	}
	if up.Bedtime != nil {
		u.Bedtime = *up.Bedtime
	}
	return u
}

// UpdateProfile applies up to the user's profile (only the fields it sets)
// and returns the result, one version later. Concurrent updates of
// different fields all survive. Applying the same update twice changes
// nothing the second time. With up.IfVersion set, a profile at another
// version is a *StaleError.
//
// A new zone takes effect at once: the person's current day, and the feeds
// of the day of the move and later, are computed in it. Records already
// stored keep their dates, and earlier days keep the zone they were lived
// in, so nothing done before the move changes day or time. The move is
// recorded as a [ZoneChange] at the Clock's instant, in the same unit of
// work as the profile, so the zone history always ends with the profile's
// zone; streaks use it: days a flight east jumps over do not break a
// streak, and a date lived twice after a flight west counts once. A new
// day-start hour, wake time or bedtime applies to every day: the days are
// counted again in the same unit of work.
func (s *Service) UpdateProfile(ctx context.Context, userID uuid.UUID, up ProfileUpdate) (User, error) {
	var out User
	err := s.update(ctx, userID, func(w *unit) error {
		u, err := w.tx.User(ctx, userID)
		if err != nil {
			return err
		}
		if up.IfVersion != 0 && up.IfVersion != u.Version {
			return &StaleError{What: "profile", Want: up.IfVersion, Current: u.Version}
		}
		next := up.apply(u)
		if err := next.Validate(); err != nil {
			return err
		}
		if sameProfile(u, next) {
			out = u
			return nil
		}
		next.UpdatedAt, next.Version = s.now(), u.Version+1
		var moved time.Time
		if next.Zone != u.Zone {
			if moved, err = s.recordMove(ctx, w.tx, u, next.Zone, next.UpdatedAt); err != nil {
				return err
			}
		}
		if err := w.tx.UpdateUser(ctx, next); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		switch {
		case next.DayStartHour != u.DayStartHour || next.WakeTime != u.WakeTime || next.Bedtime != u.Bedtime:
			if _, err := w.loadAll(ctx); err != nil {
				return err
			}
			if _, err := w.recount(); err != nil {
				return err
			}
		case !moved.IsZero():
			// The day of the move in either zone, and the days a move
			// east jumps over, count again.
			if err := w.recountFrom(ctx, civil.DateOf(moved.UTC()).AddDays(-2)); err != nil {
				return err
			}
		}
		out, err = w.tx.User(ctx, userID)
		return err
	})
	return out, err
}

// recordMove records in tx that u moves from their zone to zone at the
// instant at, after every earlier move (a microsecond after the last when
// the clock has not passed it: a fixed clock in tests, or the clocks of
// several hosts), so the history keeps its order. It returns the instant
// recorded.
func (s *Service) recordMove(ctx context.Context, tx Store, u User, zone string, at time.Time) (time.Time, error) {
	changes, err := tx.ZoneChanges(ctx, u.ID)
	if err != nil {
		return time.Time{}, fmt.Errorf("load zone changes: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	if n := len(changes); n > 0 && !at.After(changes[n-1].At) {
		at = changes[n-1].At.Add(time.Microsecond)
	}
	c, _, err := tx.AddZoneChange(ctx, ZoneChange{UserID: u.ID, At: at, From: u.Zone, To: zone})
	if err != nil {
		return time.Time{}, fmt.Errorf("record zone change: %w", err)
	}
	s.log.InfoContext(ctx, "zone changed", "user_id", u.ID, "from", c.From, "to", c.To, "at", c.At)
	return c.At, nil
}

// ZoneChanges returns the person's zone changes, oldest first: every move
// a profile update recorded.
func (s *Service) ZoneChanges(ctx context.Context, userID uuid.UUID) ([]ZoneChange, error) {
	changes, err := s.store.ZoneChanges(ctx, userID)
	if err != nil {
		return nil, err
	}
	if changes == nil {
		changes = []ZoneChange{}
	}
	return changes, nil
}

// DeleteUser deletes the user and every record of theirs.
func (s *Service) DeleteUser(ctx context.Context, userID uuid.UUID) error {
	if err := s.store.DeleteUser(ctx, userID); err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	s.log.InfoContext(ctx, "user deleted", "user_id", userID)
	return nil
}

// ---- goals

// Goals returns the user's goals: the stored ones, or [DefaultGoals] when
// none were stored.
func (s *Service) Goals(ctx context.Context, userID uuid.UUID) (Goals, error) {
	g, err := s.store.Goals(ctx, userID)
	if errors.Is(err, ErrNotFound) {
		if _, uerr := s.store.User(ctx, userID); uerr != nil {
			return Goals{}, uerr
		}
		return DefaultGoals(userID), nil
	}
	return g, err
}

// PutGoals validates and stores g as the user's goals, replacing the old
// ones; g.UserID is set to userID. The goals apply to every day: the days
// are counted again in the same unit of work. It returns the stored goals.
func (s *Service) PutGoals(ctx context.Context, userID uuid.UUID, g Goals) (Goals, error) {
	g.UserID = userID
	if err := g.Validate(); err != nil {
		return Goals{}, err
	}
	if err := translate(scoreGoals(g).Validate()); err != nil {
		return Goals{}, err
	}
	g.UpdatedAt = s.now()
	var out Goals
	err := s.update(ctx, userID, func(w *unit) error {
		if err := w.tx.PutGoals(ctx, g); err != nil {
			return fmt.Errorf("store goals: %w", err)
		}
		if _, err := w.loadAll(ctx); err != nil {
			return err
		}
		if _, err := w.recount(); err != nil {
			return err
		}
		var err error
		out, err = w.tx.Goals(ctx, userID)
		return err
	})
	return out, err
}

// scoreGoals maps goals onto the score package's.
func scoreGoals(g Goals) score.Goals {
	w := score.Weights{Sleep: g.Weights.Sleep, Activity: g.Weights.Activity, WorkLife: g.Weights.WorkLife, Habits: g.Weights.Habits}
	return score.Goals{
		SleepSeconds: g.SleepMinutes * 60, Steps: g.Steps, WorkMinutes: g.WorkMinutes,
		AfterHoursMinutes: g.AfterHoursMinutes, RestingHeartRate: g.RestingHeartRate,
		DayGoalPercent: g.DayGoalPercent, Weights: &w,
	}
}

// ---- work days and health reads

// PutWorkDay validates and stores a work-day record of the user, and
// scores the day again, in one unit of work; w.UserID is set to userID.
// The record is the person's own entry (Source [SourceManual]) unless w
// names another source, and replaces that source's earlier record of the
// date; the records of other sources stay, and the day the score sees is
// their merge (see [MergeWorkDays]). Dates after the person's current day,
// or more than 3 years before it (as for Sync), are refused. It returns
// the merged day.
func (s *Service) PutWorkDay(ctx context.Context, userID uuid.UUID, w WorkDay) (WorkDay, error) {
	w.UserID = userID
	if w.Source == "" {
		w.Source = SourceManual
	}
	w.Sources = WorkSources{}
	w.UpdatedAt = s.now().UTC().Truncate(time.Microsecond) // as stores keep it
	if err := w.Validate(); err != nil {
		return WorkDay{}, err
	}
	if err := s.checkWorkDate(w.Date); err != nil {
		return WorkDay{}, err
	}
	var out WorkDay
	err := s.update(ctx, w.UserID, func(u *unit) error {
		h, err := u.loadWork(ctx, w.Date)
		if err != nil {
			return err
		}
		if err := u.tx.PutWorkDay(ctx, w); err != nil {
			return fmt.Errorf("store work day: %w", err)
		}
		rs := slices.DeleteFunc(h.work[w.Date], func(r WorkDay) bool { return r.Source == w.Source })
		h.work[w.Date] = append(rs, w)
		if _, err := u.recount(); err != nil {
			return err
		}
		out = mergeWorkDay(slices.Clone(h.work[w.Date]))
		return nil
	})
	return out, err
}

// DeleteWorkDay removes the user's work-day record of date d from source
// ("" is [SourceManual], the person's own entry) and scores the day again,
// in one unit of work: the day is then the merge of the other sources'
// records, or has no work data. It returns ErrNotFound when there is no
// such record.
func (s *Service) DeleteWorkDay(ctx context.Context, userID uuid.UUID, d civil.Date, source string) error {
	if source == "" {
		source = SourceManual
	}
	if err := s.checkWorkDate(d); err != nil {
		return err
	}
	return s.update(ctx, userID, func(u *unit) error {
		h, err := u.loadWork(ctx, d)
		if err != nil {
			return err
		}
		n, err := u.tx.DeleteWorkDays(ctx, userID, source, d, d)
		if err != nil {
			return fmt.Errorf("delete work day: %w", err)
		}
		if n == 0 {
			return Errorf(CodeNotFound, "There is no work day of %s from %s.", d, source)
		}
		h.work[d] = slices.DeleteFunc(h.work[d], func(r WorkDay) bool { return r.Source == source })
		_, err = u.recount()
		return err
	})
}

// checkWorkDate refuses, before reading the person, a date that is no real
// date or that lies 3 years before any zone's today; the exact bounds are
// checked by loadWork.
func (s *Service) checkWorkDate(d civil.Date) error {
	if !d.IsValid() {
		return invalid("date", "must be a real date")
	}
	if earliest := possibleDays(s.now()).From.AddDays(1 - maxSyncDays); d.Before(earliest) {
		return invalid("date", "must not be before %s (3 years back)", earliest)
	}
	return nil
}

// loadWork loads the person's history for a change to the work data of
// date d, which must lie in the 3 years up to their current day.
func (u *unit) loadWork(ctx context.Context, d civil.Date) (*history, error) {
	h, err := u.load(ctx, d)
	if err != nil {
		return nil, err
	}
	if d.After(h.today) {
		return nil, invalid("date", "must not be after today (%s)", h.today)
	}
	if earliest := h.today.AddDays(1 - maxSyncDays); d.Before(earliest) {
		return nil, invalid("date", "must not be before %s (3 years back)", earliest)
	}
	return h, nil
}

// WorkDays returns the user's work days in [from, to], at most 3 years:
// one per date with any record, merged from the person's entry and every
// source's (see [MergeWorkDays]), each naming the source of its fields.
func (s *Service) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]WorkDay, error) {
	if err := checkRange(from, to, maxSyncDays); err != nil {
		return nil, err
	}
	records, err := s.store.WorkDays(ctx, userID, from, to)
	if err != nil {
		return nil, err
	}
	return MergeWorkDays(records), nil
}

// HealthDays returns the user's health days in [from, to], at most 3 years.
func (s *Service) HealthDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]HealthDay, error) {
	if err := checkRange(from, to, maxSyncDays); err != nil {
		return nil, err
	}
	return s.store.HealthDays(ctx, userID, from, to)
}

// HealthDay returns the user's health record of one day, or ErrNotFound.
// A zero date means the person's current day.
func (s *Service) HealthDay(ctx context.Context, userID uuid.UUID, d civil.Date) (HealthDay, error) {
	if d.IsZero() {
		p, err := s.person(ctx, userID)
		if err != nil {
			return HealthDay{}, err
		}
		d = s.today(p)
	}
	if !d.IsValid() {
		return HealthDay{}, invalid("date", "must be a real date")
	}
	days, err := s.HealthDays(ctx, userID, d, d)
	if err != nil {
		return HealthDay{}, err
	}
	if len(days) == 0 {
		return HealthDay{}, Errorf(CodeNotFound, "No health data for %s.", d)
	}
	return days[0], nil
}

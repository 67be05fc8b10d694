package lifeops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// Number is a score as the HTTP API writes it: a JSON number with one
// decimal place ("72.5", never a string).
type Number struct{ decimal.Decimal }

// MarshalJSON writes the number with one decimal place.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(n.StringFixed(1)), nil }

// UnmarshalJSON reads a JSON number or a quoted decimal.
func (n *Number) UnmarshalJSON(b []byte) error { return n.Decimal.UnmarshalJSON(b) }

// String returns the number with one decimal place.
func (n Number) String() string { return n.StringFixed(1) }

// Format prints the number with one decimal place for %v and %s (honouring
// a width and the - flag), and as decimal.Decimal does for any other verb.
func (n Number) Format(f fmt.State, verb rune) {
	if verb != 'v' && verb != 's' {
		n.Decimal.Format(f, verb)
		return
	}
	s := n.String()
	if w, ok := f.Width(); ok && w > len(s) {
		pad := strings.Repeat(" ", w-len(s))
		if f.Flag('-') {
			s += pad
		} else {
			s = pad + s
		}
	}
	io.WriteString(f, s)
}

// XPStatus is a person's XP total and where it stands on the level curve.
type XPStatus struct {
	Total       int64 `json:"total"`
	Level       int   `json:"level"`
	IntoLevel   int64 `json:"into_level"`
	ToNextLevel int64 `json:"to_next_level"`
}

// TodayLife is the Life Score of a day: nil when no domain has data, and the
// domains that had none.
type TodayLife struct {
	Value        *Number            `json:"value"`
	Missing      []Domain           `json:"missing"`
	Contributors []TodayContributor `json:"contributors"`
}

// TodayDomain is one domain's score with what made it.
type TodayDomain struct {
	Value        Number             `json:"value"`
	Contributors []TodayContributor `json:"contributors"`
}

// TodayContributor is one contributor of a score, with numbers as the HTTP
// API writes them.
type TodayContributor struct {
	Name   string            `json:"name"`
	Value  Number            `json:"value"`
	Weight json.Number       `json:"weight"` // the share of the score, up to 4 decimal places
	Effect Number            `json:"effect"`
	Input  string            `json:"input,omitempty"`
	Parts  []ContributorPart `json:"parts,omitempty"`
}

// TodayDomains holds the four domains; an absent one is nil (JSON null).
type TodayDomains struct {
	Sleep    *TodayDomain `json:"sleep"`
	Activity *TodayDomain `json:"activity"`
	WorkLife *TodayDomain `json:"work_life"`
	Habits   *TodayDomain `json:"habits"`
}

// StreakView is one streak as Today shows it: the day-goal streak (Kind
// "day_goal") or one item's (Kind "item"), with the item's habit strength.
type StreakView struct {
	Kind    string     `json:"kind"`
	ItemID  uuid.UUID  `json:"item_id,omitzero"`
	Title   string     `json:"title"`
	Current int        `json:"current"`
	Longest int        `json:"longest"`
	AtRisk  bool       `json:"at_risk"`
	Freezes int        `json:"freezes"`
	Start   civil.Date `json:"start,omitzero"`
	// Strength is the item's habit strength on 0–100 (see
	// score.HabitStrength): how established the habit is, rising with each
	// completion and decaying gently, never reset by one miss. Nil for the
	// day goal and for an item due once.
	Strength *Number `json:"strength,omitempty"`
}

// AchievementView is an achievement of the catalog with the person's
// progress toward it.
type AchievementView struct {
	Code        string     `json:"code"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Target      int        `json:"target"`
	Current     int        `json:"current"`
	Percent     int        `json:"percent"`
	Unlocked    bool       `json:"unlocked"`
	UnlockedOn  civil.Date `json:"unlocked_on,omitzero"`
}

// Today is one of the person's days at a glance. Its JSON form is the
// response of GET /v1/me/today.
type Today struct {
	Date            civil.Date        `json:"date"`
	Timezone        string            `json:"timezone"` // the zone the day is lived in: the current one, or the one of a day before a move
	LifeScore       TodayLife         `json:"life_score"`
	Domains         TodayDomains      `json:"domains"`
	XP              XPStatus          `json:"xp"`
	Streaks         []StreakView      `json:"streaks"`
	NewAchievements []AchievementView `json:"new_achievements"` // unlocked on this day
	Message         string            `json:"message"`
	Feed            []timeline.Entry  `json:"feed"` // the default view: what still needs attention
}

// Today builds the summary of one of the person's days (a zero date means
// their current day, from the Clock, their zone and their day-start hour):
// the day's scores with their contributors, computed from what is stored
// (the current day counts the occurrences due so far); XP and level; the
// day-goal streak and every active item's streak and habit strength; the
// achievements unlocked that day; the day's message; and the default view
// of its feed. Today only reads: it reads one consistent snapshot of the
// person, in a fixed number of statements however long their history, and
// writes nothing.
//
// Asked again for the same person and date within the same minute of the
// Clock, Today first asks the store for the person's data version (one
// statement) and, when no unit of work has changed their data since, gives
// the answer it built before (see Config.TodayCache); the caller owns the
// value either way. Data written straight to the store, outside the
// Service's units of work, shows from the next minute.
func (s *Service) Today(ctx context.Context, userID uuid.UUID, d civil.Date) (Today, error) {
	if !d.IsZero() && !d.IsValid() {
		return Today{}, invalid("date", "must be a real date")
	}
	if s.todays == nil {
		t, _, err := s.buildToday(ctx, userID, d)
		return t, err
	}
	key, minute := todayKey{user: userID, date: d}, s.now().Truncate(time.Minute)
	if s.todays.has(key, minute) {
		v, err := s.store.DataVersion(ctx, userID)
		if err != nil {
			return Today{}, err
		}
		if t, ok := s.todays.get(key, v, minute); ok {
			return t, nil
		}
	}
	t, h, err := s.buildToday(ctx, userID, d)
	if err != nil {
		return Today{}, err
	}
	// Kept only when built within the minute it is kept for.
	if h.now.Truncate(time.Minute).Equal(minute) {
		s.todays.put(key, h.dataVersion, minute, t)
	}
	return t, nil
}

// buildToday builds Today from a snapshot, and returns the history it read.
func (s *Service) buildToday(ctx context.Context, userID uuid.UUID, d civil.Date) (Today, *history, error) {
	q := s.standingQuery()
	if !d.IsZero() {
		q.Days = append(q.Days, Span{From: d.AddDays(-2), To: d.AddDays(1)})
		q.Events = append(q.Events, Span{From: d.AddDays(-2), To: d}) // with the previous feed day's carry over
	}
	h, st, err := s.standingNow(ctx, userID, q)
	if err != nil {
		return Today{}, nil, err
	}
	if d.IsZero() {
		d = h.today
	}
	if d.After(h.today) {
		return Today{}, nil, invalid("date", "must not be after today (%s)", h.today)
	}
	if !h.loaded(d) {
		return Today{}, nil, Errorf(CodeConflict, "The day changed while it was read; try again.")
	}
	_, b, err := h.breakdown(d, d == h.today)
	if err != nil {
		return Today{}, nil, err
	}
	out := Today{Date: d, Timezone: h.locOn(d).String(), Streaks: []StreakView{}, NewAchievements: []AchievementView{}}
	out.LifeScore, out.Domains = todayScores(b)
	if out.XP, err = xpStatus(h.xpTotal); err != nil {
		return Today{}, nil, err
	}
	dayGoal, items := h.streaks(st)
	out.Streaks = append(out.Streaks, streakView("day_goal", uuid.Nil, "Day goal", dayGoal, nil))
	for _, it := range h.items {
		if it.Active(h.today) {
			out.Streaks = append(out.Streaks, streakView("item", it.ID, it.Title, items[it.ID], strengthOf(st, it)))
		}
	}

	var newToday []score.Unlock
	for _, v := range achievementViews(st.Tally.Progress(h.unlocks())) {
		if v.Unlocked && v.UnlockedOn == d {
			out.NewAchievements = append(out.NewAchievements, v)
			newToday = append(newToday, score.Unlock{Code: v.Code, Date: d})
		}
	}
	in := score.MessageInput{Today: b, New: newToday}
	if d == h.today {
		in.Streak = &dayGoal
	}
	if prev := h.scores[d.AddDays(-1)]; prev != nil {
		y := breakdownOf(*prev)
		in.Yesterday = &y
	}
	msg, err := score.TodayMessage(in)
	if err != nil {
		return Today{}, nil, translate(err)
	}
	out.Message = msg.Text

	f, err := s.feed(h, d, timeline.ViewDefault)
	if err != nil {
		return Today{}, nil, err
	}
	out.Feed = f.Entries
	return out, h, nil
}

// standingQuery selects what counting a person's standing through their
// current day needs: the days from the latest stored standing before it,
// with their events.
func (s *Service) standingQuery() SnapshotQuery {
	now := possibleDays(s.now())
	from := now.From.AddDays(-2) // the previous day's anchors, a skipped day apart
	// Through the days after today a flight west can bring back, and the
	// next day's bedtime anchor.
	to := now.To.AddDays(laterDays + 1)
	return SnapshotQuery{
		Days:   []Span{{From: from, To: to}},
		Events: []Span{{From: from, To: to}},
		Resume: now.To.AddDays(1),
	}
}

// standingNow reads q (a standingQuery, maybe with more spans) and counts
// the person's standing through their current day. When no stored standing
// can be counted on from, it reads every day and counts from the first.
func (s *Service) standingNow(ctx context.Context, userID uuid.UUID, q SnapshotQuery) (*history, *standing, error) {
	h, err := s.snapshot(ctx, s.store, userID, q)
	if err != nil {
		return nil, nil, err
	}
	st, err := h.resume(h.today)
	if errors.Is(err, errStaleState) {
		q.Days[0], q.Events[0], q.Resume = Span{}, Span{}, civil.Date{}
		if h, err = s.snapshot(ctx, s.store, userID, q); err != nil {
			return nil, nil, err
		}
		st, err = h.resume(h.today)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := h.countTo(st); err != nil {
		return nil, nil, err
	}
	return h, st, nil
}

// loaded reports whether the snapshot read day d with the days around it
// that its feed and scores need.
func (h *history) loaded(d civil.Date) bool {
	for _, sp := range h.read.Days {
		if sp.Contains(d.AddDays(-2)) && sp.Contains(d.AddDays(1)) {
			return true
		}
	}
	return false
}

func streakView(kind string, id uuid.UUID, title string, st score.Streak, strength *Number) StreakView {
	return StreakView{Kind: kind, ItemID: id, Title: title, Current: st.Current, Longest: st.Longest,
		AtRisk: st.AtRisk, Freezes: st.Freezes, Start: st.Start, Strength: strength}
}

// todayScores maps a breakdown onto Today's shapes.
func todayScores(b score.Breakdown) (TodayLife, TodayDomains) {
	life := TodayLife{Missing: []Domain{}, Contributors: todayContributors(b.Life.Contributors)}
	if b.Life.Value.Valid {
		life.Value = &Number{b.Life.Value.Decimal}
	}
	for _, m := range b.Life.Missing {
		life.Missing = append(life.Missing, m)
	}
	dom := func(d *score.DomainScore) *TodayDomain {
		if d == nil {
			return nil
		}
		return &TodayDomain{Value: Number{d.Value}, Contributors: todayContributors(d.Contributors)}
	}
	return life, TodayDomains{Sleep: dom(b.Sleep), Activity: dom(b.Activity), WorkLife: dom(b.WorkLife), Habits: dom(b.Habits)}
}

func todayContributors(cs []score.Contributor) []TodayContributor {
	return viewContributors(contributors(cs))
}

// viewContributors maps contributors onto the shape the HTTP API writes.
func viewContributors(cs []Contributor) []TodayContributor {
	out := make([]TodayContributor, 0, len(cs))
	for _, c := range cs {
		out = append(out, TodayContributor{Name: c.Name, Value: Number{c.Value}, Weight: json.Number(c.Weight.String()), Effect: Number{c.Effect}, Input: c.Input, Parts: c.Parts})
	}
	return out
}

// xpStatus places an XP total on the level curve.
func xpStatus(total int64) (XPStatus, error) {
	lv, err := score.LevelFor(max(total, 0))
	if err != nil {
		return XPStatus{}, translate(err)
	}
	return XPStatus{Total: total, Level: lv.Level, IntoLevel: lv.IntoLevel, ToNextLevel: lv.ToNext}, nil
}

// XPLedger is the person's XP and one page of their ledger.
type XPLedger struct {
	XPStatus
	Entries []XPEntry `json:"entries"`
}

// XP returns the person's XP status and the ledger entries that match q,
// oldest first.
func (s *Service) XP(ctx context.Context, userID uuid.UUID, q XPQuery) (XPLedger, error) {
	var p problems
	if !q.From.IsZero() && !q.From.IsValid() {
		p.add("from", "must be a real date")
	}
	if !q.To.IsZero() && !q.To.IsValid() {
		p.add("to", "must be a real date")
	}
	if q.Page.Offset < 0 || q.Page.Limit < 0 {
		p.add("page", "offset and limit must not be negative")
	}
	if err := p.err(); err != nil {
		return XPLedger{}, err
	}
	total, err := s.store.XPTotal(ctx, userID)
	if err != nil {
		return XPLedger{}, err
	}
	st, err := xpStatus(total)
	if err != nil {
		return XPLedger{}, err
	}
	entries, err := s.store.XPEntries(ctx, userID, q)
	if err != nil {
		return XPLedger{}, fmt.Errorf("load XP entries: %w", err)
	}
	if entries == nil {
		entries = []XPEntry{}
	}
	return XPLedger{st, entries}, nil
}

// Achievements returns every achievement of the catalog, in catalog order,
// with the person's progress: the unlocked ones with their day, the locked
// ones with how far along they are. It only reads.
func (s *Service) Achievements(ctx context.Context, userID uuid.UUID) ([]AchievementView, error) {
	h, st, err := s.standingNow(ctx, userID, s.standingQuery())
	if err != nil {
		return nil, err
	}
	// The awards of the days counted here join the last: the level
	// measure needs only the total they reach.
	st.Tally.AddXP(h.xpTotal - st.Tally.XP)
	return achievementViews(st.Tally.Progress(h.unlocks())), nil
}

func achievementViews(progress []score.Progress) []AchievementView {
	out := make([]AchievementView, 0, len(progress))
	for _, pr := range progress {
		out = append(out, AchievementView{Code: pr.Code, Title: pr.Title, Description: pr.Description, Target: pr.Target,
			Current: pr.Current, Percent: pr.Percent, Unlocked: pr.Unlocked, UnlockedOn: pr.UnlockedOn})
	}
	return out
}

// unlocks returns the person's stored achievements as the score package
// takes them.
func (h *history) unlocks() []score.Unlock {
	out := make([]score.Unlock, 0, len(h.achievements))
	for _, a := range h.achievements {
		out = append(out, score.Unlock{Code: a.Code, Date: a.Date})
	}
	return out
}

package lifeops

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

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
// "day_goal") or one item's (Kind "item").
type StreakView struct {
	Kind    string     `json:"kind"`
	ItemID  uuid.UUID  `json:"item_id,omitzero"`
	Title   string     `json:"title"`
	Current int        `json:"current"`
	Longest int        `json:"longest"`
	AtRisk  bool       `json:"at_risk"`
	Freezes int        `json:"freezes"`
	Start   civil.Date `json:"start,omitzero"`
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
// the day's scores with their contributors, computed and stored afresh; XP
// and level; the day-goal streak and every item's streak; the achievements
// unlocked that day, unlocking any newly earned; the day's message; and the
// default view of its feed.
func (s *Service) Today(ctx context.Context, userID uuid.UUID, d civil.Date) (Today, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return Today{}, err
	}
	if d, err = s.dayOrToday(p, d, "date"); err != nil {
		return Today{}, err
	}
	h, err := s.historyOf(ctx, p, civil.Date{}, s.today(p))
	if err != nil {
		return Today{}, err
	}
	if d.After(h.today) {
		return Today{}, invalid("date", "must not be after today (%s)", h.today)
	}
	_, b, err := s.scoreDay(ctx, h, d)
	if err != nil {
		return Today{}, err
	}
	_, ev, err := s.settleAchievements(ctx, h)
	if err != nil {
		return Today{}, err
	}
	out := Today{Date: d, Timezone: h.locOn(d).String(), Streaks: []StreakView{}, NewAchievements: []AchievementView{}}
	out.LifeScore, out.Domains = todayScores(b)
	if out.XP, err = s.xpStatus(ctx, userID); err != nil {
		return Today{}, err
	}

	marks, err := h.dayGoalMarks()
	if err != nil {
		return Today{}, err
	}
	dayGoal, err := h.streak(marks, s.streakRules)
	if err != nil {
		return Today{}, err
	}
	out.Streaks = append(out.Streaks, streakView("day_goal", uuid.Nil, "Day goal", dayGoal))
	for _, it := range h.items {
		if !it.Active(h.today) {
			continue
		}
		st, err := h.streak(h.itemMarks(it), s.streakRules)
		if err != nil {
			return Today{}, err
		}
		out.Streaks = append(out.Streaks, streakView("item", it.ID, it.Title, st))
	}

	var newToday []score.Unlock
	for _, v := range achievementViews(ev) {
		if v.Unlocked && v.UnlockedOn == d {
			out.NewAchievements = append(out.NewAchievements, v)
			newToday = append(newToday, score.Unlock{Code: v.Code, Date: d})
		}
	}

	in := score.MessageInput{Today: b, New: newToday}
	if d == h.today {
		in.Streak = &dayGoal
	}
	if prev, err := s.store.Scores(ctx, userID, d.AddDays(-1), d.AddDays(-1)); err == nil && len(prev) == 1 {
		y := breakdownOf(prev[0])
		in.Yesterday = &y
	} else if err != nil {
		return Today{}, fmt.Errorf("load yesterday's scores: %w", err)
	}
	msg, err := score.TodayMessage(in)
	if err != nil {
		return Today{}, translate(err)
	}
	out.Message = msg.Text

	f, err := s.feed(h, d, timeline.ViewDefault)
	if err != nil {
		return Today{}, err
	}
	out.Feed = f.Entries
	return out, nil
}

func streakView(kind string, id uuid.UUID, title string, st score.Streak) StreakView {
	return StreakView{Kind: kind, ItemID: id, Title: title, Current: st.Current, Longest: st.Longest,
		AtRisk: st.AtRisk, Freezes: st.Freezes, Start: st.Start}
}

// todayScores maps a breakdown onto Today's shapes.
func todayScores(b score.Breakdown) (TodayLife, TodayDomains) {
	life := TodayLife{Missing: []Domain{}, Contributors: todayContributors(b.Life.Contributors)}
	if b.Life.Value.Valid {
		life.Value = &Number{b.Life.Value.Decimal}
	}
	for _, m := range b.Life.Missing {
		life.Missing = append(life.Missing, Domain(m))
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

// xpStatus reads the person's XP total and places it on the level curve.
func (s *Service) xpStatus(ctx context.Context, userID uuid.UUID) (XPStatus, error) {
	total, err := s.store.XPTotal(ctx, userID)
	if err != nil {
		return XPStatus{}, fmt.Errorf("load XP total: %w", err)
	}
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
	if _, err := s.store.User(ctx, userID); err != nil {
		return XPLedger{}, err
	}
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
	st, err := s.xpStatus(ctx, userID)
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
// ones with how far along they are.
func (s *Service) Achievements(ctx context.Context, userID uuid.UUID) ([]AchievementView, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return nil, err
	}
	h, err := s.historyOf(ctx, p, civil.Date{}, s.today(p))
	if err != nil {
		return nil, err
	}
	ev, _, err := s.evaluate(ctx, h, s.scoreHistory(h))
	if err != nil {
		return nil, err
	}
	return achievementViews(ev), nil
}

func achievementViews(ev score.Evaluation) []AchievementView {
	out := make([]AchievementView, 0, len(ev.Progress))
	for _, pr := range ev.Progress {
		out = append(out, AchievementView{Code: pr.Code, Title: pr.Title, Description: pr.Description, Target: pr.Target,
			Current: pr.Current, Percent: pr.Percent, Unlocked: pr.Unlocked, UnlockedOn: pr.UnlockedOn})
	}
	return out
}

// scoreHistory maps h's whole history onto the score package's, all but
// the awards, which evaluate reads afresh each time.
func (s *Service) scoreHistory(h *history) score.History {
	hist := score.History{Goals: scoreGoals(h.goals), Rules: s.streakRules, AsOf: h.today,
		ZoneChanges: h.zones, DayStartHour: h.DayStartHour}
	first := h.firstDay()
	hist.Days = make([]score.Day, 0, max(h.today.Sub(first)+1, 0))
	for d := first; !d.After(h.today); d = d.AddDays(1) {
		hist.Days = append(hist.Days, h.scoreInput(d, false))
	}
	return hist
}

// xpSummary reads the person's ledger summed by day: from the store when
// it sums (XPSummaryStore), else from the whole ledger.
func (s *Service) xpSummary(ctx context.Context, userID uuid.UUID) (XPSummary, error) {
	if ss, ok := s.store.(XPSummaryStore); ok {
		return ss.XPSummary(ctx, userID)
	}
	ledger, err := s.store.XPEntries(ctx, userID, XPQuery{})
	if err != nil {
		return XPSummary{}, err
	}
	return SummarizeXP(ledger), nil
}

// evaluate runs the achievement catalog over hist, the days of h (see
// scoreHistory), with the stored unlocks and ledger. It returns the
// ledger's summary too.
func (s *Service) evaluate(ctx context.Context, h *history, hist score.History) (score.Evaluation, XPSummary, error) {
	ledger, err := s.xpSummary(ctx, h.ID)
	if err != nil {
		return score.Evaluation{}, ledger, fmt.Errorf("load XP ledger: %w", err)
	}
	stored, err := s.store.Achievements(ctx, h.ID)
	if err != nil {
		return score.Evaluation{}, ledger, fmt.Errorf("load achievements: %w", err)
	}
	known := map[string]bool{}
	for _, a := range score.Catalog() {
		known[a.Code] = true
	}
	var unlocked []score.Unlock
	for _, a := range stored {
		if known[a.Code] { // codes retired from the catalog stay stored but are not evaluated
			unlocked = append(unlocked, score.Unlock{Code: a.Code, Date: a.Date})
		}
	}
	// The awards count for the level achievements by the running total at
	// the end of each day (score.History), which one award a day with the
	// day's points gives exactly.
	hist.Awards = make([]score.Award, len(ledger.Days))
	for i, d := range ledger.Days {
		hist.Awards[i] = score.Award{Date: d.Date, Points: d.Points}
	}
	ev, err := score.Evaluate(hist, unlocked)
	if err != nil {
		return score.Evaluation{}, ledger, translate(err)
	}
	return ev, ledger, nil
}

// settleAchievements unlocks the achievements h now earns, each dated the day
// it was earned, and makes sure every unlocked achievement has its XP. The
// XP of one unlock can earn a level achievement, so it evaluates again until
// nothing new unlocks. It returns the achievements this call unlocked and
// the last evaluation, which reflects every unlock.
func (s *Service) settleAchievements(ctx context.Context, h *history) ([]Achievement, score.Evaluation, error) {
	var out []Achievement
	var ev score.Evaluation
	hist := s.scoreHistory(h) // the days do not change between rounds
	for range 5 {
		var ledger XPSummary
		var err error
		ev, ledger, err = s.evaluate(ctx, h, hist)
		if err != nil {
			return nil, ev, err
		}
		// An entry of another kind under an achievement's key is not
		// seen here; adding the award then finds it and changes nothing.
		have := map[string]bool{}
		for _, e := range ledger.Achievements {
			have[e.Key] = true
		}
		changed := false
		for _, u := range ev.New {
			a, created, err := s.store.UnlockAchievement(ctx, Achievement{UserID: h.ID, Code: u.Code, Date: u.Date, UnlockedAt: s.now()})
			if err != nil {
				return nil, ev, fmt.Errorf("unlock %s: %w", u.Code, err)
			}
			if created {
				out = append(out, a)
				s.log.InfoContext(ctx, "achievement unlocked", "user_id", h.ID, "code", a.Code, "date", a.Date)
			}
			changed = true
		}
		for _, p := range ev.Progress {
			if !p.Unlocked && !containsUnlock(ev.New, p.Code) {
				continue
			}
			if have[score.AchievementKey(p.Code)] {
				continue
			}
			date := p.UnlockedOn
			if date.IsZero() {
				date = h.today
			}
			a, err := score.AchievementAward(score.Unlock{Code: p.Code, Date: date})
			if err != nil {
				return nil, ev, translate(err)
			}
			if _, created, err := s.store.AddXP(ctx, s.xpEntry(h.ID, a)); err != nil {
				return nil, ev, fmt.Errorf("award %s: %w", a.Key, err)
			} else if created {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return out, ev, nil
}

func containsUnlock(us []score.Unlock, code string) bool {
	for _, u := range us {
		if u.Code == code {
			return true
		}
	}
	return false
}

package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// report is what the quickstart prints: the Service's answers, as they
// came back.
type report struct {
	now          time.Time // in the person's zone
	user         lifeops.User
	items        []sampleItem
	synced       lifeops.SyncResult
	today        lifeops.Today
	achievements []lifeops.AchievementView
	scores       []lifeops.DayScores
}

// closestLocked is how many locked achievements the report shows.
const closestLocked = 3

// printReport writes r to w.
func printReport(w io.Writer, r report) error {
	p := &printer{w: w}
	t := r.today
	p.f("LifeOps quickstart: %s on %s %s, %s (%s)\n", r.user.Name, t.Date.Weekday(), r.now.Format("2 January 2006"),
		r.now.Format("15:04 MST"), t.Timezone)
	p.f("Synced %s to %s: %s\n\n", r.synced.From, r.synced.To, syncCounts(r.synced))

	life := "none yet (no domain has data)"
	if t.LifeScore.Value != nil {
		life = t.LifeScore.Value.String()
	}
	p.f("Life Score %s", life)
	if len(t.LifeScore.Missing) > 0 && t.LifeScore.Value != nil {
		var present []lifeops.Domain
		for _, d := range lifeops.Domains() {
			if todayDomain(t.Domains, d) != nil {
				present = append(present, d)
			}
		}
		p.f(" over %s (no data yet today for %s)", domainList(present), domainList(t.LifeScore.Missing))
	}
	p.f("\n")
	lifeParts := map[string]lifeops.TodayContributor{}
	for _, c := range t.LifeScore.Contributors {
		lifeParts[c.Name] = c
	}
	for _, d := range lifeops.Domains() {
		s := todayDomain(t.Domains, d)
		if s == nil {
			p.f("  %-10s     -   no data yet today: left out, not counted as zero\n", label(d))
			continue
		}
		lc := lifeParts[string(d)]
		p.f("  %-10s %5s   weight %-6s adds %5s to the Life Score\n", label(d), s.Value, lc.Weight, lc.Effect)
		for _, c := range s.Contributors {
			input := ""
			if c.Input != "" {
				input = "  (" + c.Input + ")"
			}
			p.f("      %-16s %5s   weight %-6s adds %5s%s\n", strings.ReplaceAll(c.Name, "_", " "), c.Value, c.Weight, c.Effect, input)
		}
	}

	p.f("\nXP %d, level %d: %d XP into it, %d XP to level %d\n", t.XP.Total, t.XP.Level, t.XP.IntoLevel, t.XP.ToNextLevel, t.XP.Level+1)

	p.f("\nStreaks (a freeze in hand covers one missed day)\n")
	for _, s := range t.Streaks {
		unit := "in a row"
		if s.Kind == "day_goal" {
			unit = plural(s.Current, "day", "days") + " in a row"
		}
		notes := []string{fmt.Sprintf("longest %d", s.Longest)}
		if s.Freezes > 0 {
			notes = append(notes, fmt.Sprintf("%d %s in hand", s.Freezes, plural(s.Freezes, "freeze", "freezes")))
		}
		if s.AtRisk {
			notes = append(notes, "at risk today")
		}
		p.f("  %-16s %2d %s (%s)\n", s.Title, s.Current, unit, strings.Join(notes, ", "))
	}

	printAchievements(p, t, r.achievements)

	p.f("\n%s\n", t.Message)

	p.f("\nStill to do today (times in %s, %s)\n", t.Timezone, r.now.Format("MST"))
	if len(t.Feed) == 0 {
		p.f("  nothing: all done\n")
	}
	loc := r.now.Location()
	for _, e := range t.Feed {
		var notes []string
		if e.CarriedOver {
			notes = append(notes, "carried over from "+e.Date.String())
		}
		if a := anchorNote(r.items, e); a != "" {
			notes = append(notes, a)
		}
		note := ""
		if len(notes) > 0 {
			note = "  (" + strings.Join(notes, "; ") + ")"
		}
		p.f("  %s-%s  %-9s %s%s\n", e.Start.In(loc).Format("15:04"), e.End.In(loc).Format("15:04"), e.Status, e.Title, note)
	}

	printFortnight(p, r.scores, t.Date)
	return p.err
}

// printAchievements lists the unlocked achievements with their days and
// the locked ones closest to unlocking.
func printAchievements(p *printer, t lifeops.Today, all []lifeops.AchievementView) {
	isNew := map[string]bool{}
	for _, a := range t.NewAchievements {
		isNew[a.Code] = true
	}
	var unlocked, locked []lifeops.AchievementView
	for _, a := range all {
		if a.Unlocked {
			unlocked = append(unlocked, a)
		} else {
			locked = append(locked, a)
		}
	}
	p.f("\nAchievements: %d of %d unlocked\n", len(unlocked), len(all))
	slices.SortStableFunc(unlocked, func(a, b lifeops.AchievementView) int { return a.UnlockedOn.Compare(b.UnlockedOn) })
	for _, a := range unlocked {
		note := ""
		if isNew[a.Code] {
			note = "  (new today)"
		}
		p.f("  %s  %s: %s%s\n", a.UnlockedOn, a.Title, a.Description, note)
	}
	// Closest first; the catalog order breaks ties.
	slices.SortStableFunc(locked, func(a, b lifeops.AchievementView) int { return cmp.Compare(b.Percent, a.Percent) })
	if len(locked) > 0 {
		p.f("Closest to unlocking\n")
	}
	for _, a := range locked[:min(closestLocked, len(locked))] {
		p.f("  %3d%%  %-8s  %s: %s\n", a.Percent, fmt.Sprintf("%d of %d", a.Current, a.Target), a.Title, a.Description)
	}
}

// printFortnight writes one line per day of the sample: each domain's
// score, or "-" for a domain with no data, and the Life Score.
func printFortnight(p *printer, scores []lifeops.DayScores, today civil.Date) {
	p.f("\nThe fortnight (\"-\": no data that day, left out of the Life Score rather than counted as zero)\n")
	p.f("  %-14s", "")
	for _, d := range lifeops.Domains() {
		p.f(" %9s", label(d))
	}
	p.f(" %6s\n", "Life")
	byDate := map[civil.Date]lifeops.DayScores{}
	for _, s := range scores {
		byDate[s.Date] = s
	}
	for d := firstDay; !d.After(lastDay); d = d.AddDays(1) {
		s, scored := byDate[d]
		p.f("  %s %s", d.Weekday().String()[:3], d)
		for _, dom := range lifeops.Domains() {
			p.f(" %9s", fixed(s.Domain(dom)))
		}
		life := "-"
		if s.Life != nil {
			life = s.Life.StringFixed(1)
		}
		p.f(" %6s", life)
		var notes []string
		switch {
		case !scored:
			notes = append(notes, "not scored")
		case d == today:
			notes = append(notes, "today, so far")
		}
		switch d {
		case missedDay:
			notes = append(notes, "missed: no ring, no check-ins"+habitsInput(s))
		case dstDay:
			notes = append(notes, "clocks went forward at 02:00")
		}
		if len(notes) > 0 {
			p.f("  %s", strings.Join(notes, "; "))
		}
		p.f("\n")
	}
}

// habitsInput is what the day's habits score was made of, e.g.
// " (habits: 0 of 5 items done, 0 skipped)", or "" without one.
func habitsInput(s lifeops.DayScores) string {
	if s.Habits == nil {
		return ""
	}
	for _, c := range s.Habits.Contributors {
		if c.Name == "completed" && c.Input != "" {
			return " (habits: " + c.Input + ")"
		}
	}
	return ""
}

// anchorNote says what an entry's time hangs on when it is the person's
// wake time or bedtime, e.g. "30 min before bedtime".
func anchorNote(items []sampleItem, e timeline.Entry) string {
	var off int
	for _, it := range items {
		if it.item.ID == e.ItemID {
			off = it.item.OffsetMinutes
		}
	}
	var anchor string
	switch e.Anchor.Type {
	case timeline.AnchorWake:
		anchor = "waking"
	case timeline.AnchorBedtime:
		anchor = "bedtime"
	default:
		return ""
	}
	switch {
	case off > 0:
		return fmt.Sprintf("%d min after %s", off, anchor)
	case off < 0:
		return fmt.Sprintf("%d min before %s", -off, anchor)
	default:
		return "at " + anchor
	}
}

// syncCounts says what a sync received, kind by kind.
func syncCounts(r lifeops.SyncResult) string {
	names := []struct {
		kind lifeops.DataKind
		name string
	}{
		{lifeops.KindDailySleep, "sleep scores"},
		{lifeops.KindDailyReadiness, "readiness scores"},
		{lifeops.KindDailyActivity, "activity days"},
		{lifeops.KindSleep, "sleep periods"},
		{lifeops.KindHeartRate, "heart-rate samples"},
	}
	var parts []string
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%d %s", r.Counts[n.kind], n.name))
	}
	return strings.Join(parts, ", ")
}

func todayDomain(ds lifeops.TodayDomains, d lifeops.Domain) *lifeops.TodayDomain {
	switch d {
	case lifeops.DomainSleep:
		return ds.Sleep
	case lifeops.DomainActivity:
		return ds.Activity
	case lifeops.DomainWorkLife:
		return ds.WorkLife
	case lifeops.DomainHabits:
		return ds.Habits
	}
	return nil
}

// label is how the report names a domain: "work-life" for work_life.
func label(d lifeops.Domain) string { return strings.ReplaceAll(string(d), "_", "-") }

// domainList names ds in words: "sleep, activity and habits".
func domainList(ds []lifeops.Domain) string {
	var names []string
	for _, d := range ds {
		names = append(names, label(d))
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func fixed(s *lifeops.DomainScore) string {
	if s == nil {
		return "-"
	}
	return s.Value.StringFixed(1)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// printer writes formatted text and keeps the first write error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

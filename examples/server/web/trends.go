package web

import (
	"net/http"
	"strconv"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// trendsView is the Trends page.
type trendsView struct {
	pageBase
	Days     int
	Periods  []periodLink
	From, To string
	Charts   []lineChart
	Heat     heatMap
	Rows     []trendRow // the numbers, newest first
}

type periodLink struct {
	Days    int
	Href    string
	Current bool
}

type trendRow struct {
	Date, Day                               string
	Life, Sleep, Activity, WorkLife, Habits string
}

// trendPeriods are the spans the Trends page offers.
var trendPeriods = []int{30, 90}

// dayValues are one day's scores as the charts read them.
type dayValues struct {
	life, sleep, activity, workLife, habits *float64
	goal                                    goalDay
}

func (d *Dashboard) trendsPage(w http.ResponseWriter, r *http.Request, s *session) error {
	days := 30
	if q := r.URL.Query().Get("days"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || (n != 30 && n != 90) {
			return &lifeops.ValidationError{Field: "days", Reason: "must be 30 or 90"}
		}
		days = n
	}
	ctx := r.Context()
	today, err := d.svc.Today(ctx, s.user, civil.Date{})
	if err != nil {
		return err
	}
	goals, err := d.svc.Goals(ctx, s.user)
	if err != nil {
		return err
	}
	from := today.Date.AddDays(1 - days)
	stored, err := d.svc.Scores(ctx, s.user, from, today.Date)
	if err != nil {
		return err
	}
	byDay := make(map[civil.Date]dayValues, len(stored)+1)
	for _, sc := range stored {
		byDay[sc.Date] = storedValues(sc)
	}
	tv := todayValues(today)
	tv.goal.Today = true
	byDay[today.Date] = tv

	v := &trendsView{pageBase: d.base(w, r, s, "Trends", "trends"), Days: days, From: longDate(from), To: longDate(today.Date)}
	for _, n := range trendPeriods {
		v.Periods = append(v.Periods, periodLink{Days: n, Href: Prefix + "trends?days=" + strconv.Itoa(n), Current: n == days})
	}
	dates := make([]civil.Date, days)
	series := map[string][]*float64{}
	var goalDays []goalDay
	for i := range dates {
		day := from.AddDays(i)
		dates[i] = day
		dv := byDay[day]
		series["life"] = append(series["life"], dv.life)
		series["sleep"] = append(series["sleep"], dv.sleep)
		series["activity"] = append(series["activity"], dv.activity)
		series["work_life"] = append(series["work_life"], dv.workLife)
		series["habits"] = append(series["habits"], dv.habits)
		dv.goal.Date = day
		goalDays = append(goalDays, dv.goal)
	}
	for _, c := range []struct{ key, title string }{
		{"life", "Life Score"}, {"sleep", "Sleep"}, {"activity", "Activity"}, {"work_life", "Work-life"}, {"habits", "Habits"},
	} {
		v.Charts = append(v.Charts, newLineChart("chart-"+c.key, c.title, dates, series[c.key]))
	}
	v.Heat = newHeatMap(goalDays, goals.DayGoalPercent)
	for i := len(dates) - 1; i >= 0; i-- {
		v.Rows = append(v.Rows, trendRow{Date: dates[i].String(), Day: shortDate(dates[i]),
			Life: cell(series["life"][i]), Sleep: cell(series["sleep"][i]), Activity: cell(series["activity"][i]),
			WorkLife: cell(series["work_life"][i]), Habits: cell(series["habits"][i])})
	}
	return d.render(w, r, http.StatusOK, "trends", v)
}

// cell writes a score for the numbers table: "–" for none.
func cell(v *float64) string {
	if v == nil {
		return "–"
	}
	return oneDecimal(*v)
}

func storedValues(sc lifeops.DayScores) dayValues {
	var dv dayValues
	if sc.Life != nil {
		f := sc.Life.InexactFloat64()
		dv.life = &f
	}
	dom := func(d *lifeops.DomainScore) *float64 {
		if d == nil {
			return nil
		}
		f := d.Value.InexactFloat64()
		return &f
	}
	dv.sleep, dv.activity, dv.workLife, dv.habits = dom(sc.Sleep), dom(sc.Activity), dom(sc.WorkLife), dom(sc.Habits)
	if sc.Habits != nil {
		for _, c := range sc.Habits.Contributors {
			if c.Name == "completed" {
				f := c.Value.InexactFloat64()
				dv.goal = goalDay{Percent: &f, Input: c.Input}
			}
		}
	}
	return dv
}

func todayValues(t lifeops.Today) dayValues {
	var dv dayValues
	if t.LifeScore.Value != nil {
		f := t.LifeScore.Value.InexactFloat64()
		dv.life = &f
	}
	dom := func(d *lifeops.TodayDomain) *float64 {
		if d == nil {
			return nil
		}
		f := d.Value.InexactFloat64()
		return &f
	}
	dv.sleep, dv.activity, dv.workLife, dv.habits = dom(t.Domains.Sleep), dom(t.Domains.Activity), dom(t.Domains.WorkLife), dom(t.Domains.Habits)
	if t.Domains.Habits != nil {
		for _, c := range t.Domains.Habits.Contributors {
			if c.Name == "completed" {
				f := c.Value.InexactFloat64()
				dv.goal = goalDay{Percent: &f, Input: c.Input}
			}
		}
	}
	return dv
}

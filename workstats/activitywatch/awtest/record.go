package awtest

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Session is a stretch of time a person was at one host's keyboard with
// one window in front: App and Title as the window watcher reports them,
// and URL (with Title as the tab's title) when App is a browser showing a
// page.
type Session struct {
	Start, End time.Time
	App, Title string
	URL        string
}

// The bucket names of host's watchers, as ActivityWatch names them.
func WindowBucket(host string) string { return "aw-watcher-window_" + host }

// AFKBucket names host's AFK bucket.
func AFKBucket(host string) string { return "aw-watcher-afk_" + host }

// WebBucket names host's Firefox tab bucket.
func WebBucket(host string) string { return "aw-watcher-web-firefox_" + host }

// heartbeat is the longest window event Record writes: the window watcher
// merges its heartbeats into events that are cut when anything changes,
// and Record cuts long sessions into pieces so readers see several events.
const heartbeat = 5 * time.Minute

// Record writes sessions of host into its window, AFK and web buckets as
// the watchers would: window events of at most five minutes, a not-afk
// event per session and an afk event for each gap of up to 12 hours
// between sessions, and a tab event for each session with a URL.
// Overlapping sessions are the caller's business: a watcher would not
// write them.
func (s *Server) Record(host string, sessions ...Session) {
	s.AddBucket(WindowBucket(host), TypeWindow, host)
	s.AddBucket(AFKBucket(host), TypeAFK, host)
	s.AddBucket(WebBucket(host), TypeWeb, host)
	sessions = slices.Clone(sessions)
	slices.SortFunc(sessions, func(a, b Session) int { return a.Start.Compare(b.Start) })
	var win, afk, web []Event
	for i, ss := range sessions {
		if !ss.End.After(ss.Start) {
			continue
		}
		for t := ss.Start; t.Before(ss.End); t = t.Add(heartbeat) {
			end := t.Add(heartbeat)
			if end.After(ss.End) {
				end = ss.End
			}
			win = append(win, Event{Timestamp: t, Duration: end.Sub(t), Data: map[string]any{"app": ss.App, "title": ss.Title}})
		}
		afk = append(afk, Event{Timestamp: ss.Start, Duration: ss.End.Sub(ss.Start), Data: map[string]any{"status": "not-afk"}})
		if i+1 < len(sessions) {
			if gap := sessions[i+1].Start.Sub(ss.End); gap > 0 && gap <= 12*time.Hour {
				afk = append(afk, Event{Timestamp: ss.End, Duration: gap, Data: map[string]any{"status": "afk"}})
			}
		}
		if ss.URL != "" {
			web = append(web, Event{Timestamp: ss.Start, Duration: ss.End.Sub(ss.Start),
				Data: map[string]any{"url": ss.URL, "title": ss.Title, "audible": false, "incognito": false, "tabCount": 7}})
		}
	}
	s.AddEvents(WindowBucket(host), win...)
	s.AddEvents(AFKBucket(host), afk...)
	s.AddEvents(WebBucket(host), web...)
}

// Workdays returns realistic sessions of a host for days days from start in
// loc, the same for the same seed: on weekdays the person arrives between
// 08:30 and 09:30, codes, reads documentation and code review in Firefox,
// chats, joins a video call (zoom.us) at 10:00 and sometimes in the
// afternoon, takes short breaks and a lunch break away from the keyboard,
// leaves between 17:00 and 18:30, and some evenings works late, now and
// then past midnight; on weekends they watch videos and read the news.
// Wall clocks go through the zone, so DST days are 23 or 25 hours long.
func Workdays(seed uint64, start civil.Date, days int, loc *time.Location) []Session {
	rng := rand.New(rand.NewPCG(seed, seed^0xa17))
	at := func(d civil.Date, minutes int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, 0, minutes, 0, 0, loc) // the wall clock, normalised by time.Date
	}
	work := []Session{
		{App: "Code", Title: "server.go — lifeops"},
		{App: "Terminal", Title: "go test ./..."},
		{App: "Firefox", Title: "Pull request #42 · lifeops/lifeops", URL: "https://github.com/lifeops/lifeops/pull/42"},
		{App: "Firefox", Title: "time package - pkg.go.dev", URL: "https://pkg.go.dev/time"},
		{App: "Slack", Title: "#team - Slack"},
	}
	var out []Session
	for i := range days {
		d := start.AddDays(i)
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			if rng.IntN(2) == 0 {
				m := 14*60 + rng.IntN(120)
				out = append(out, Session{Start: at(d, m), End: at(d, m+30+rng.IntN(60)), App: "Firefox", Title: "Cat videos - YouTube", URL: "https://www.youtube.com/watch?v=x"})
			}
			continue
		}
		m := 8*60 + 30 + rng.IntN(61)
		leave := 17*60 + rng.IntN(91)
		lunch := false
		for m < leave {
			if !lunch && m >= 12*60 {
				m += 30 + rng.IntN(31) // lunch, away
				lunch = true
				continue
			}
			if m >= 10*60 && m < 10*60+30 {
				out = append(out, Session{Start: at(d, 10*60), End: at(d, 10*60+30), App: "zoom.us", Title: "Zoom Meeting"})
				m = 10*60 + 30
				continue
			}
			ss := work[rng.IntN(len(work))]
			n := 5 + rng.IntN(40)
			if m < 10*60 && m+n > 10*60 {
				n = 10*60 - m
			}
			if m < 12*60 && m+n > 12*60 && !lunch {
				n = 12*60 - m
			}
			ss.Start, ss.End = at(d, m), at(d, m+n)
			out = append(out, ss)
			m += n
			if rng.IntN(6) == 0 {
				m += 5 + rng.IntN(15) // a short break
			}
		}
		switch rng.IntN(8) {
		case 0: // an evening of work
			e := 20*60 + rng.IntN(60)
			out = append(out, Session{Start: at(d, e), End: at(d, e+45), App: "Code", Title: "late fix — lifeops"})
		case 1: // past midnight
			out = append(out, Session{Start: at(d, 23*60+20), End: at(d, 24*60+40), App: "Code", Title: "release — lifeops"})
		}
	}
	return out
}

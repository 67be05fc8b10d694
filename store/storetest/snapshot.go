package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// withState returns scores of day d holding a standing.
func withState(userID uuid.UUID, d civil.Date, state string) lifeops.DayScores {
	return lifeops.DayScores{UserID: userID, Date: d, Habits: &lifeops.DomainScore{Value: dec("50")}, Life: ptr(dec("50")),
		ComputedAt: at(2026, 3, 1, 9, 0), State: json.RawMessage(state)}
}

// testSnapshot checks SnapshotStore.Snapshot against what the other ports
// read of the same records.
func testSnapshot(t *testing.T, s lifeops.Store) {
	day := func(n int) civil.Date { return civil.D(2026, 3, n) }
	t.Run("ReadsWhatTheSpansSelect", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Snapshot")
		g := lifeops.DefaultGoals(u.ID)
		g.Steps, g.UpdatedAt = 9000, at(2026, 3, 1, 8, 0)
		must(t, "PutGoals", s.PutGoals(ctx(t), g))
		itemID := mustItem(t, s, u.ID, "Walk")
		_, _, err := s.AddZoneChange(ctx(t), move(u.ID, at(2026, 3, 3, 10, 0), "Europe/Berlin", "Asia/Tokyo"))
		must(t, "AddZoneChange", err)
		_, _, err = s.UnlockAchievement(ctx(t), lifeops.Achievement{UserID: u.ID, Code: "first_completion", Date: day(2), UnlockedAt: at(2026, 3, 2, 9, 0)})
		must(t, "UnlockAchievement", err)
		for n := 1; n <= 6; n++ {
			must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{fullDay(u.ID, day(n))}))
			_, _, err := s.AddEvent(ctx(t), newEvent(u.ID, itemID, day(n), lifeops.EventCompleted))
			must(t, "AddEvent", err)
			_, _, err = s.AddXP(ctx(t), xpEntry(u.ID, name("x%d", n), day(n), int64(n)))
			must(t, "AddXP", err)
		}
		must(t, "PutWorkDay", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: day(3), WorkMinutes: 60, Source: "manual", UpdatedAt: at(2026, 3, 3, 9, 0)}))
		must(t, "PutScores", s.PutScores(ctx(t), withState(u.ID, day(4), `{"a":1}`), withState(u.ID, day(5), `{"b": [2]}`)))

		q := lifeops.SnapshotQuery{Days: []lifeops.Span{{From: day(2), To: day(4)}, {From: day(6), To: day(6)}},
			Events: []lifeops.Span{{From: day(1), To: day(3)}}, XP: true}
		snap, err := s.Snapshot(ctx(t), u.ID, q)
		must(t, "Snapshot", err)

		wantUser, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		diff(t, "user", wantUser, snap.User)
		wantGoals, err := s.Goals(ctx(t), u.ID)
		must(t, "Goals", err)
		diff(t, "goals", &wantGoals, snap.Goals)
		wantTotal, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if snap.XPTotal != wantTotal {
			t.Errorf("XP total %d, want %d", snap.XPTotal, wantTotal)
		}
		wantZones, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		diff(t, "zone changes", wantZones, snap.ZoneChanges)
		wantAch, err := s.Achievements(ctx(t), u.ID)
		must(t, "Achievements", err)
		diff(t, "achievements", wantAch, snap.Achievements)
		wantItems, err := s.Items(ctx(t), u.ID)
		must(t, "Items", err)
		diff(t, "items", wantItems, snap.Items)
		wantEvents, err := s.Events(ctx(t), u.ID, day(1), day(3))
		must(t, "Events", err)
		diff(t, "events", wantEvents, snap.Events)

		var wantDays []lifeops.DayRecord
		for _, n := range []int{2, 3, 4, 6} {
			r := lifeops.DayRecord{Date: day(n)}
			h, err := s.HealthDays(ctx(t), u.ID, day(n), day(n))
			must(t, "HealthDays", err)
			r.Health = &h[0]
			if w, _ := s.WorkDays(ctx(t), u.ID, day(n), day(n)); len(w) > 0 {
				r.Work = w
			}
			if sc, _ := s.Scores(ctx(t), u.ID, day(n), day(n)); len(sc) == 1 {
				r.Scores = &sc[0]
				r.Scores.State = json.RawMessage(`{"a":1}`)
			}
			wantDays = append(wantDays, r)
		}
		diff(t, "days", wantDays, snap.Days)
		var wantXP []lifeops.XPEntry
		for _, sp := range q.Days {
			e, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{From: sp.From, To: sp.To})
			must(t, "XPEntries", err)
			wantXP = append(wantXP, e...)
		}
		diff(t, "XP entries", wantXP, snap.XP)
		diff(t, "spans read", q, snap.Read)
	})
	t.Run("KeepsTheStateByteForByte", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "State")
		state := `{"z": 1, "a": [1.50, "é\u00e9"], "n": null}`
		must(t, "PutScores", s.PutScores(ctx(t), withState(u.ID, day(4), state)))
		snap, err := s.Snapshot(ctx(t), u.ID, lifeops.SnapshotQuery{Days: []lifeops.Span{{}}})
		must(t, "Snapshot", err)
		if len(snap.Days) != 1 || snap.Days[0].Scores == nil || string(snap.Days[0].Scores.State) != state {
			t.Fatalf("days %+v, want one with the state %s", snap.Days, state)
		}
		// A day with no state reads back without one.
		must(t, "PutScores", s.PutScores(ctx(t), lifeops.DayScores{UserID: u.ID, Date: day(4)}))
		snap, err = s.Snapshot(ctx(t), u.ID, lifeops.SnapshotQuery{Days: []lifeops.Span{{}}})
		must(t, "Snapshot", err)
		if st := snap.Days[0].Scores.State; st != nil {
			t.Errorf("state %q after scores without one, want nil", st)
		}
	})
	t.Run("ResumesFromTheLatestStateBefore", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Resume")
		itemID := mustItem(t, s, u.ID, "Walk")
		must(t, "PutScores", s.PutScores(ctx(t), withState(u.ID, day(1), "1"), withState(u.ID, day(3), "3"),
			withState(u.ID, day(7), "7"), lifeops.DayScores{UserID: u.ID, Date: day(5)}))
		for n := 1; n <= 8; n++ {
			_, _, err := s.AddEvent(ctx(t), newEvent(u.ID, itemID, day(n), lifeops.EventCompleted))
			must(t, "AddEvent", err)
		}
		tests := []struct {
			name             string
			from, events, to civil.Date // to resume before
			wantFrom         civil.Date
			wantEvents       civil.Date
		}{
			{"back to the latest state before", day(6), day(5), day(7), day(3), day(2)},
			{"a state on the day itself is not before it", day(6), day(6), day(3), day(1), day(1)},
			{"an earlier start stays", day(2), day(1), day(7), day(2), day(1)},
			{"no state before reads every day", day(6), day(5), day(1), civil.Date{}, civil.Date{}},
		}
		for _, tt := range tests {
			q := lifeops.SnapshotQuery{Days: []lifeops.Span{{From: tt.from}}, Events: []lifeops.Span{{From: tt.events}}, Resume: tt.to}
			snap, err := s.Snapshot(ctx(t), u.ID, q)
			must(t, tt.name, err)
			if got := snap.Read.Days[0].From; got != tt.wantFrom {
				t.Errorf("%s: days read from %s, want %s", tt.name, got, tt.wantFrom)
			}
			if got := snap.Read.Events[0].From; got != tt.wantEvents {
				t.Errorf("%s: events read from %s, want %s", tt.name, got, tt.wantEvents)
			}
			// Scores are stored on days 1, 3, 5 and 7.
			wantFirst := day(1)
			for wantFirst.Before(tt.wantFrom) {
				wantFirst = wantFirst.AddDays(2)
			}
			if first := snap.Days[0].Date; first != wantFirst {
				t.Errorf("%s: first day read %s, want %s", tt.name, first, wantFirst)
			}
			if first := snap.Events[0].Date; !tt.wantEvents.IsZero() && first != tt.wantEvents || tt.wantEvents.IsZero() && first != day(1) {
				t.Errorf("%s: first event read %s", tt.name, first)
			}
		}
	})
	t.Run("EventsOfOccurrencesMovedIn", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "MovedIn")
		a, b := mustItem(t, s, u.ID, "A"), mustItem(t, s, u.ID, "B")
		moved := newEvent(u.ID, a, day(1), lifeops.EventPostponed)
		moved.To, moved.ToDate = time.Time{}, day(5)
		kept := newEvent(u.ID, b, day(2), lifeops.EventPostponed) // moved within its own day
		far := newEvent(u.ID, b, day(3), lifeops.EventPostponed)
		far.To, far.ToDate = time.Time{}, day(9)
		for i, e := range []lifeops.Event{moved, newEvent(u.ID, a, day(1), lifeops.EventCompleted), kept,
			newEvent(u.ID, b, day(2), lifeops.EventCompleted), far, newEvent(u.ID, a, day(5), lifeops.EventSkipped), newEvent(u.ID, a, day(6), lifeops.EventCompleted)} {
			e.CreatedAt = e.CreatedAt.Add(time.Duration(i) * time.Minute) // listed in the order added, on each day
			_, _, err := s.AddEvent(ctx(t), e)
			must(t, "AddEvent", err)
		}
		for _, tt := range []struct {
			span lifeops.Span
			want []string // item and date of each event, in order
		}{
			{lifeops.Span{From: day(5), To: day(5)}, []string{"A 1 postponed", "A 1 completed", "A 5 skipped"}},
			{lifeops.Span{From: day(4), To: day(6)}, []string{"A 1 postponed", "A 1 completed", "A 5 skipped", "A 6 completed"}},
			{lifeops.Span{From: day(2), To: day(2)}, []string{"B 2 postponed", "B 2 completed"}},
			{lifeops.Span{From: day(7)}, []string{"B 3 postponed"}},
		} {
			snap, err := s.Snapshot(ctx(t), u.ID, lifeops.SnapshotQuery{Events: []lifeops.Span{tt.span}})
			must(t, "Snapshot", err)
			var got []string
			for _, e := range snap.Events {
				name := "A"
				if e.ItemID == b {
					name = "B"
				}
				got = append(got, name+" "+fmt.Sprint(e.Date.Day)+" "+string(e.Kind))
			}
			diff(t, name("events of %+v (dated in it, or moved into it)", tt.span), tt.want, got)
		}
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := s.Snapshot(ctx(t), uuid.New(), lifeops.SnapshotQuery{})
		wantErr(t, "Snapshot of an unknown user", err, lifeops.ErrNotFound)
	})
	t.Run("BadSpansAreInvalid", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "BadSpans")
		for _, q := range []lifeops.SnapshotQuery{
			{Days: []lifeops.Span{{From: day(3), To: day(2)}}},
			{Events: []lifeops.Span{{From: civil.Date{Year: 2026, Month: 2, Day: 30}}}},
			{Resume: day(3)},
		} {
			_, err := s.Snapshot(ctx(t), u.ID, q)
			wantErr(t, name("Snapshot of %+v", q), err, lifeops.ErrInvalid)
		}
	})
}

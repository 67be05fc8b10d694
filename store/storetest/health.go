package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// fullDay returns a health day with every field set.
func fullDay(userID uuid.UUID, d civil.Date) lifeops.HealthDay {
	bed := at(d.Year, d.Month, d.Day, 0, 0).Add(-7 * time.Hour)
	wake := bed.Add(7*time.Hour + 45*time.Minute)
	return lifeops.HealthDay{
		UserID: userID, Date: d, Source: "oura",
		Sleep:     &lifeops.ProviderScore{Value: 81, Contributors: map[string]int{"deep_sleep": 73, "efficiency": 90, "latency": 100}},
		Readiness: &lifeops.ProviderScore{Value: 0, Contributors: map[string]int{"hrv_balance": 0}},
		Activity:  &lifeops.ProviderScore{Value: 100},
		Steps:     ptr(0), TotalSleepSeconds: ptr(26100), Efficiency: ptr(88), RestingHeartRate: ptr(51), HRV: ptr(62),
		Bedtime: &bed, WakeTime: &wake, UpdatedAt: at(2026, 3, 1, 12, 0),
	}
}

func storedDay(h lifeops.HealthDay) lifeops.HealthDay {
	h.Bedtime, h.WakeTime, h.UpdatedAt = storedPtr(h.Bedtime), storedPtr(h.WakeTime), stored(h.UpdatedAt)
	return h
}

func testHealthDays(t *testing.T, s lifeops.Store) {
	t.Run("RoundTripAndInclusiveRange", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Health")
		var days []lifeops.HealthDay
		for i := range 5 {
			days = append(days, fullDay(u.ID, civil.D(2026, 2, 26).AddDays(i))) // Feb 26 to Mar 2
		}
		days[1] = lifeops.HealthDay{UserID: u.ID, Date: days[1].Date} // a day with nothing
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), days))
		got, err := s.HealthDays(ctx(t), u.ID, civil.D(2026, 2, 27), civil.D(2026, 3, 1))
		must(t, "HealthDays", err)
		want := []lifeops.HealthDay{storedDay(days[1]), storedDay(days[2]), storedDay(days[3])}
		diff(t, "HealthDays Feb 27 to Mar 1", want, got)
		for _, h := range got {
			if h.WakeTime != nil {
				checkUTC(t, "HealthDay", *h.WakeTime, *h.Bedtime, h.UpdatedAt)
			}
		}
		one, err := s.HealthDays(ctx(t), u.ID, civil.D(2026, 3, 2), civil.D(2026, 3, 2))
		must(t, "HealthDays of one day", err)
		diff(t, "HealthDays Mar 2", []lifeops.HealthDay{storedDay(days[4])}, one)
		none, err := s.HealthDays(ctx(t), u.ID, civil.D(2027, 1, 1), civil.D(2027, 12, 31))
		must(t, "HealthDays of an empty range", err)
		diff(t, "HealthDays 2027", []lifeops.HealthDay(nil), none)
	})
	t.Run("UpsertReplacesEveryField", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Upsert")
		d := civil.D(2026, 3, 29)
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{fullDay(u.ID, d)}))
		revised := lifeops.HealthDay{UserID: u.ID, Date: d, Source: "oura", Steps: ptr(4321), UpdatedAt: at(2026, 3, 30, 1, 0)}
		for range 2 { // twice: the second write changes nothing
			must(t, "PutHealthDays revised", s.PutHealthDays(ctx(t), []lifeops.HealthDay{revised}))
		}
		got, err := s.HealthDays(ctx(t), u.ID, d, d)
		must(t, "HealthDays", err)
		diff(t, "revised day", []lifeops.HealthDay{storedDay(revised)}, got)
	})
	t.Run("BatchIsAllOrNothing", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Batch")
		good := fullDay(u.ID, civil.D(2026, 4, 1))
		bad := fullDay(u.ID, civil.D(2026, 4, 2))
		bad.Efficiency = ptr(101)
		wantErr(t, "PutHealthDays with an invalid day", s.PutHealthDays(ctx(t), []lifeops.HealthDay{good, bad}), lifeops.ErrInvalid)
		stranger := fullDay(uuid.New(), civil.D(2026, 4, 3))
		wantErr(t, "PutHealthDays with an unknown user", s.PutHealthDays(ctx(t), []lifeops.HealthDay{good, stranger}), lifeops.ErrNotFound)
		got, err := s.HealthDays(ctx(t), u.ID, civil.D(2026, 4, 1), civil.D(2026, 4, 3))
		must(t, "HealthDays", err)
		diff(t, "days after failed batches", []lifeops.HealthDay(nil), got)
	})
	t.Run("UsersAreIsolated", func(t *testing.T) {
		t.Parallel()
		a, b := mustUser(t, s, "A"), mustUser(t, s, "B")
		d := civil.D(2026, 5, 5)
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{fullDay(a.ID, d)}))
		got, err := s.HealthDays(ctx(t), b.ID, d, d)
		must(t, "HealthDays of B", err)
		diff(t, "B's days", []lifeops.HealthDay(nil), got)
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := s.HealthDays(ctx(t), uuid.New(), civil.D(2026, 1, 1), civil.D(2026, 1, 2))
		wantErr(t, "HealthDays unknown user", err, lifeops.ErrNotFound)
	})
}

func testRawDocuments(t *testing.T, s lifeops.Store) {
	doc := func(userID uuid.UUID, kind, id string, d civil.Date, data string) lifeops.RawDocument {
		return lifeops.RawDocument{UserID: userID, Provider: "oura", Kind: kind, ID: id, Date: d, Data: json.RawMessage(data), FetchedAt: at(2026, 3, 3, 3, 3)}
	}
	// sameJSON compares documents with their data decoded: stores may
	// normalise whitespace and key order.
	sameJSON := func(t *testing.T, what string, want, got []lifeops.RawDocument) {
		t.Helper()
		type view struct {
			Doc  lifeops.RawDocument
			Data any
		}
		conv := func(ds []lifeops.RawDocument) []view {
			var out []view
			for _, d := range ds {
				var v any
				if err := json.Unmarshal(d.Data, &v); err != nil {
					t.Fatalf("%s: stored data is not JSON: %v", what, err)
				}
				d.Data, d.FetchedAt = nil, stored(d.FetchedAt)
				out = append(out, view{d, v})
			}
			return out
		}
		diff(t, what, conv(want), conv(got))
	}
	t.Run("PutGetRevise", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Docs")
		d1 := doc(u.ID, "sleep", "s-1", civil.D(2026, 3, 1), `{"id":"s-1","type":"long_sleep","nested":{"a":[1,2,null]},"text":"ü"}`)
		must(t, "PutRawDocuments", s.PutRawDocuments(ctx(t), []lifeops.RawDocument{d1}))
		got, err := s.RawDocument(ctx(t), u.ID, "oura", "sleep", "s-1")
		must(t, "RawDocument", err)
		sameJSON(t, "document", []lifeops.RawDocument{d1}, []lifeops.RawDocument{got})
		checkUTC(t, "RawDocument", got.FetchedAt)

		revised := doc(u.ID, "sleep", "s-1", civil.D(2026, 3, 1), `{"id":"s-1","type":"deleted"}`)
		revised.Deleted = true
		must(t, "PutRawDocuments revised", s.PutRawDocuments(ctx(t), []lifeops.RawDocument{revised}))
		all, err := s.RawDocuments(ctx(t), u.ID, lifeops.RawQuery{})
		must(t, "RawDocuments", err)
		sameJSON(t, "documents after a revision", []lifeops.RawDocument{revised}, all)
	})
	t.Run("Query", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Query")
		docs := []lifeops.RawDocument{
			doc(u.ID, "daily_sleep", "a", civil.D(2026, 3, 1), `{"day":"2026-03-01"}`),
			doc(u.ID, "sleep", "b", civil.D(2026, 3, 1), `{}`),
			doc(u.ID, "daily_sleep", "c", civil.D(2026, 3, 2), `{"day":"2026-03-02"}`),
			doc(u.ID, "daily_sleep", "d", civil.D(2026, 3, 3), `[]`),
			doc(u.ID, "ring_configuration", "e", civil.Date{}, `{"color":"silver"}`),
		}
		must(t, "PutRawDocuments", s.PutRawDocuments(ctx(t), docs))
		tests := []struct {
			name string
			q    lifeops.RawQuery
			want []lifeops.RawDocument
		}{
			{"everything, undated first", lifeops.RawQuery{}, []lifeops.RawDocument{docs[4], docs[0], docs[1], docs[2], docs[3]}},
			{"one kind", lifeops.RawQuery{Provider: "oura", Kind: "daily_sleep"}, []lifeops.RawDocument{docs[0], docs[2], docs[3]}},
			{"inclusive dates", lifeops.RawQuery{From: civil.D(2026, 3, 1), To: civil.D(2026, 3, 2)}, []lifeops.RawDocument{docs[0], docs[1], docs[2]}},
			{"other provider", lifeops.RawQuery{Provider: "garmin"}, nil},
		}
		for _, tt := range tests {
			got, err := s.RawDocuments(ctx(t), u.ID, tt.q)
			must(t, "RawDocuments "+tt.name, err)
			sameJSON(t, tt.name, tt.want, got)
		}
	})
	t.Run("MissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "No docs")
		_, err := s.RawDocument(ctx(t), u.ID, "oura", "sleep", "nope")
		wantErr(t, "RawDocument missing", err, lifeops.ErrNotFound)
	})
	t.Run("InvalidIsRejected", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad docs")
		good := doc(u.ID, "sleep", "ok", civil.D(2026, 3, 1), `{}`)
		bad := doc(u.ID, "sleep", "bad", civil.D(2026, 3, 1), `{"unterminated"`)
		wantErr(t, "PutRawDocuments invalid JSON", s.PutRawDocuments(ctx(t), []lifeops.RawDocument{good, bad}), lifeops.ErrInvalid)
		all, err := s.RawDocuments(ctx(t), u.ID, lifeops.RawQuery{})
		must(t, "RawDocuments", err)
		sameJSON(t, "documents after a failed batch", nil, all)
	})
}

func testHeartRate(t *testing.T, s lifeops.Store) {
	t.Run("HalfOpenIntervalAndOrder", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Heart")
		base := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC) // the night Europe moves to summer time
		var samples []lifeops.HeartRateSample
		for i := 11; i >= 0; i-- { // sent out of order
			samples = append(samples, lifeops.HeartRateSample{At: base.Add(time.Duration(i) * 5 * time.Minute), BPM: 50 + i, Source: "sleep"})
		}
		must(t, "PutHeartRate", s.PutHeartRate(ctx(t), u.ID, samples))
		got, err := s.HeartRate(ctx(t), u.ID, base.Add(10*time.Minute), base.Add(30*time.Minute))
		must(t, "HeartRate", err)
		var want []lifeops.HeartRateSample
		for i := 2; i < 6; i++ {
			want = append(want, lifeops.HeartRateSample{At: base.Add(time.Duration(i) * 5 * time.Minute), BPM: 50 + i, Source: "sleep"})
		}
		diff(t, "samples in [00:10, 00:30)", want, got)
		for _, x := range got {
			checkUTC(t, "HeartRate", x.At)
		}
	})
	t.Run("UpsertByInstant", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Heart upsert")
		ts := at(2026, 6, 1, 12, 0)
		must(t, "PutHeartRate", s.PutHeartRate(ctx(t), u.ID, []lifeops.HeartRateSample{{At: ts, BPM: 60, Source: "awake"}}))
		for range 2 {
			must(t, "PutHeartRate again", s.PutHeartRate(ctx(t), u.ID, []lifeops.HeartRateSample{{At: ts, BPM: 61, Source: "workout"}}))
		}
		got, err := s.HeartRate(ctx(t), u.ID, ts.Add(-time.Second), ts.Add(time.Second))
		must(t, "HeartRate", err)
		diff(t, "revised sample", []lifeops.HeartRateSample{{At: stored(ts), BPM: 61, Source: "workout"}}, got)
	})
	t.Run("ADayOfSamples", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Heart day")
		start := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		samples := make([]lifeops.HeartRateSample, 288)
		for i := range samples {
			samples[i] = lifeops.HeartRateSample{At: start.Add(time.Duration(i) * 5 * time.Minute), BPM: 40 + i%100, Source: "rest"}
		}
		must(t, "PutHeartRate", s.PutHeartRate(ctx(t), u.ID, samples))
		got, err := s.HeartRate(ctx(t), u.ID, start, start.Add(24*time.Hour))
		must(t, "HeartRate", err)
		diff(t, "a day of samples", samples, got)
	})
	t.Run("InvalidBatchWritesNothing", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Heart bad")
		ts := time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)
		err := s.PutHeartRate(ctx(t), u.ID, []lifeops.HeartRateSample{{At: ts, BPM: 60}, {At: ts.Add(time.Minute), BPM: 400}})
		wantErr(t, "PutHeartRate invalid", err, lifeops.ErrInvalid)
		got, err := s.HeartRate(ctx(t), u.ID, ts, ts.Add(time.Hour))
		must(t, "HeartRate", err)
		diff(t, "samples after a failed batch", []lifeops.HeartRateSample(nil), got)
		wantErr(t, "PutHeartRate unknown user", s.PutHeartRate(ctx(t), uuid.New(), []lifeops.HeartRateSample{{At: ts, BPM: 60}}), lifeops.ErrNotFound)
	})
}

func testSyncState(t *testing.T, s lifeops.Store) {
	t.Run("PutListUpsert", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Sync")
		empty, err := s.SyncStates(ctx(t), u.ID)
		must(t, "SyncStates", err)
		diff(t, "states before a sync", []lifeops.SyncState(nil), empty)
		states := []lifeops.SyncState{
			{UserID: u.ID, Kind: lifeops.KindSleep, Through: civil.D(2026, 3, 10), SyncedAt: at(2026, 3, 10, 9, 0)},
			{UserID: u.ID, Kind: lifeops.KindDailySleep, Through: civil.D(2026, 3, 9), SyncedAt: at(2026, 3, 10, 9, 0)},
		}
		for _, st := range states {
			must(t, "PutSyncState", s.PutSyncState(ctx(t), st))
		}
		states[0].Through = civil.D(2026, 3, 12)
		must(t, "PutSyncState upsert", s.PutSyncState(ctx(t), states[0]))
		got, err := s.SyncStates(ctx(t), u.ID)
		must(t, "SyncStates", err)
		want := []lifeops.SyncState{states[1], states[0]} // by kind
		for i := range want {
			want[i].SyncedAt = stored(want[i].SyncedAt)
		}
		diff(t, "states", want, got)
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Sync bad")
		wantErr(t, "PutSyncState bad kind", s.PutSyncState(ctx(t), lifeops.SyncState{UserID: u.ID, Kind: "steps", Through: civil.D(2026, 1, 1)}), lifeops.ErrInvalid)
		wantErr(t, "PutSyncState unknown user", s.PutSyncState(ctx(t), lifeops.SyncState{UserID: uuid.New(), Kind: lifeops.KindSleep, Through: civil.D(2026, 1, 1)}), lifeops.ErrNotFound)
	})
}

func testWorkDays(t *testing.T, s lifeops.Store) {
	t.Run("PutRangeUpsert", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Work")
		var days []lifeops.WorkDay
		for i := range 4 {
			w := lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 12, 30).AddDays(i), WorkMinutes: 400 + i, AfterHoursMinutes: i, MeetingMinutes: new(60), BreakMinutes: new(30), Source: "manual", UpdatedAt: at(2027, 1, 5, 8, 0)}
			must(t, "PutWorkDay", s.PutWorkDay(ctx(t), w))
			w.UpdatedAt = stored(w.UpdatedAt)
			days = append(days, w)
		}
		days[2].WorkMinutes = 0 // a day off, across the new year
		days[2].AfterHoursMinutes = 0
		days[2].MeetingMinutes = new(0)
		must(t, "PutWorkDay upsert", s.PutWorkDay(ctx(t), days[2]))
		got, err := s.WorkDays(ctx(t), u.ID, civil.D(2026, 12, 31), civil.D(2027, 1, 1))
		must(t, "WorkDays", err)
		diff(t, "work days Dec 31 to Jan 1", days[1:3], got)
	})
	t.Run("OneRecordPerSource", func(t *testing.T) {
		// A date holds a record per source, listed in byte order of the
		// source; storing one again replaces only that source's; a record
		// without a source is the person's entry; DeleteWorkDays takes one
		// source's records of a range and counts them.
		t.Parallel()
		u := mustUser(t, s, "Sources")
		d1, d2, d3 := civil.D(2026, 3, 9), civil.D(2026, 3, 10), civil.D(2026, 3, 11)
		rec := func(d civil.Date, minutes int, source string) lifeops.WorkDay {
			return lifeops.WorkDay{UserID: u.ID, Date: d, WorkMinutes: minutes, Source: source, UpdatedAt: stored(at(2026, 3, 12, 8, 0))}
		}
		for _, w := range []lifeops.WorkDay{rec(d1, 10, "ical"), rec(d2, 20, "a_b"), rec(d2, 21, "ab"), rec(d2, 22, "a-b"),
			rec(d2, 23, ""), rec(d2, 24, "ical"), rec(d3, 30, "ical"), rec(d2, 25, "ical")} {
			must(t, "PutWorkDay", s.PutWorkDay(ctx(t), w))
		}
		want := []lifeops.WorkDay{rec(d1, 10, "ical"), rec(d2, 22, "a-b"), rec(d2, 20, "a_b"), rec(d2, 21, "ab"),
			rec(d2, 25, "ical"), rec(d2, 23, lifeops.SourceManual), rec(d3, 30, "ical")}
		got, err := s.WorkDays(ctx(t), u.ID, d1, d3)
		must(t, "WorkDays", err)
		diff(t, "work-day records", want, got)

		n, err := s.DeleteWorkDays(ctx(t), u.ID, "ical", d1, d2)
		must(t, "DeleteWorkDays", err)
		if n != 2 {
			t.Errorf("DeleteWorkDays of ical in [%s, %s] = %d, want 2", d1, d2, n)
		}
		n, err = s.DeleteWorkDays(ctx(t), u.ID, "", d2, d2)
		must(t, "DeleteWorkDays of the entry", err)
		if n != 1 {
			t.Errorf("DeleteWorkDays of the entry = %d, want 1", n)
		}
		n, err = s.DeleteWorkDays(ctx(t), u.ID, "nothing", d1, d3)
		must(t, "DeleteWorkDays of no record", err)
		if n != 0 {
			t.Errorf("DeleteWorkDays of a source without records = %d, want 0", n)
		}
		got, err = s.WorkDays(ctx(t), u.ID, d1, d3)
		must(t, "WorkDays", err)
		diff(t, "work-day records after the deletes", []lifeops.WorkDay{want[1], want[2], want[3], want[6]}, got)
	})
	t.Run("MinutesNotEnteredOrZero", func(t *testing.T) {
		// Meeting and break minutes not entered (nil) and entered as 0 are
		// different days for the work-life score: each comes back as it
		// went in, also when an upsert turns one into the other, and a
		// caller changing its own values afterwards changes nothing stored.
		t.Parallel()
		u := mustUser(t, s, "Work minutes")
		first := civil.D(2026, 3, 9)
		cases := []struct{ meet, brk *int }{{nil, nil}, {new(0), new(0)}, {nil, new(0)}, {new(0), nil}, {new(90), nil}, {nil, new(45)}}
		var want []lifeops.WorkDay
		for i, c := range cases {
			w := lifeops.WorkDay{UserID: u.ID, Date: first.AddDays(i), WorkMinutes: 480, AfterHoursMinutes: 30,
				MeetingMinutes: c.meet, BreakMinutes: c.brk, Source: "manual", UpdatedAt: at(2026, 3, 16, 8, 0)}
			must(t, "PutWorkDay", s.PutWorkDay(ctx(t), w))
			w.UpdatedAt = stored(w.UpdatedAt)
			w.MeetingMinutes, w.BreakMinutes = copyInt(c.meet), copyInt(c.brk)
			want = append(want, w)
		}
		for _, c := range cases { // the caller's own values, changed after the put
			for _, p := range []*int{c.meet, c.brk} {
				if p != nil {
					*p = 1000
				}
			}
		}
		last := first.AddDays(len(cases) - 1)
		got, err := s.WorkDays(ctx(t), u.ID, first, last)
		must(t, "WorkDays", err)
		diff(t, "work days with minutes nil and 0", want, got)
		if len(got) == len(want) {
			*got[2].BreakMinutes = 1000 // a returned value, changed; checked below
		}

		// Upserts: not entered becomes 0, and 0 becomes not entered.
		want[0].MeetingMinutes, want[0].BreakMinutes = new(0), new(0)
		want[1].MeetingMinutes, want[1].BreakMinutes = nil, nil
		for _, w := range want[:2] {
			up := w
			up.MeetingMinutes, up.BreakMinutes = copyInt(w.MeetingMinutes), copyInt(w.BreakMinutes)
			must(t, "PutWorkDay upsert", s.PutWorkDay(ctx(t), up))
		}
		got, err = s.WorkDays(ctx(t), u.ID, first, last)
		must(t, "WorkDays after upserts", err)
		diff(t, "work days after nil and 0 swapped places", want, got)
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Work bad")
		wantErr(t, "PutWorkDay invalid", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 1, 1), WorkMinutes: -1}), lifeops.ErrInvalid)
		wantErr(t, "PutWorkDay negative breaks", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 1, 1), WorkMinutes: 60, BreakMinutes: new(-1)}), lifeops.ErrInvalid)
		wantErr(t, "PutWorkDay meetings over work", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 1, 1), WorkMinutes: 60, MeetingMinutes: new(61)}), lifeops.ErrInvalid)
		wantErr(t, "PutWorkDay unknown user", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: uuid.New(), Date: civil.D(2026, 1, 1)}), lifeops.ErrNotFound)
	})
}

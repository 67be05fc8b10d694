package servicetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// source is a health source with the documents a test puts in it, of the
// kinds daily_sleep and sleep; it says it sends every document of both.
type source struct {
	mu   sync.Mutex
	docs map[lifeops.DataKind]map[civil.Date]lifeops.HealthDay
}

var _ lifeops.HealthSource = (*source)(nil)

func (s *source) Kinds() []lifeops.DataKind {
	return []lifeops.DataKind{lifeops.KindDailySleep, lifeops.KindSleep}
}

func (s *source) put(kind lifeops.DataKind, d lifeops.HealthDay) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docs == nil {
		s.docs = map[lifeops.DataKind]map[civil.Date]lifeops.HealthDay{}
	}
	if s.docs[kind] == nil {
		s.docs[kind] = map[civil.Date]lifeops.HealthDay{}
	}
	s.docs[kind][d.Date] = d
}

func (s *source) remove(kind lifeops.DataKind, d civil.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.docs[kind], d)
}

// docID names the document of kind on day d.
func docID(kind lifeops.DataKind, d civil.Date) string { return fmt.Sprintf("%s-%s", kind, d) }

func (s *source) Days(_ context.Context, _ uuid.UUID, kind lifeops.DataKind, from, to civil.Date) (lifeops.HealthBatch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := lifeops.HealthBatch{Provider: "fake", Complete: []string{string(kind)}}
	for d := from; !d.After(to); d = d.AddDays(1) {
		day, ok := s.docs[kind][d]
		if !ok {
			continue
		}
		b.Days = append(b.Days, day)
		b.Documents = append(b.Documents, lifeops.RawDocument{Provider: "fake", Kind: string(kind), ID: docID(kind, d), Date: d,
			Data: []byte(fmt.Sprintf(`{"day":%q}`, d))})
	}
	return b, nil
}

func (s *source) HeartRate(context.Context, uuid.UUID, time.Time, time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	return func(func([]lifeops.HeartRateSample, error) bool) {}
}

// sleepOn returns a night that ends on day d, or, with broken, one that
// ends before it starts.
func sleepOn(d civil.Date, broken bool) lifeops.HealthDay {
	wake := time.Date(d.Year, d.Month, d.Day, 7, 0, 0, 0, berlin())
	bed := wake.Add(-8 * time.Hour)
	if broken {
		bed = wake.Add(time.Hour)
	}
	return lifeops.HealthDay{Date: d, Source: "fake", TotalSleepSeconds: ptr(8 * 3600), Bedtime: &bed, WakeTime: &wake}
}

// testQuarantine: one night the provider sends broken does not keep the
// other nights out: it is set aside and reported with its document and
// day, its document is kept raw, the others are stored, and the kind's
// sync state moves on.
func testQuarantine(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	src := &source{}
	for _, d := range days {
		src.put(lifeops.KindDailySleep, lifeops.HealthDay{Date: d, Source: "fake", Sleep: &lifeops.ProviderScore{Value: 80}})
		src.put(lifeops.KindSleep, sleepOn(d, d == days[1]))
	}
	svc := newService(t, s, src)
	res, err := svc.Sync(ctx, p.id, lifeops.SyncRequest{From: days[0], To: today})
	if err != nil {
		t.Fatalf("sync with one broken night: %v", err)
	}
	if res.Partial || len(res.Errors) != 0 {
		t.Errorf("sync with one broken night: partial %v, errors %v; want the kind stored", res.Partial, res.Errors)
	}
	if len(res.Rejected) != 1 || res.Rejected[0].Kind != lifeops.KindSleep || res.Rejected[0].Date != days[1] ||
		res.Rejected[0].Document != docID(lifeops.KindSleep, days[1]) || res.Rejected[0].Reason == "" {
		t.Errorf("rejected %+v, want the sleep document of %s with a reason", res.Rejected, days[1])
	}
	stored, err := svc.HealthDays(ctx, p.id, days[0], today)
	if err != nil {
		t.Fatal(err)
	}
	nights := map[civil.Date]bool{}
	for _, d := range stored {
		nights[d.Date] = d.TotalSleepSeconds != nil
	}
	if !nights[days[0]] || nights[days[1]] || !nights[today] {
		t.Errorf("nights stored %v: want the good ones only", nights)
	}
	if _, err := p.store.RawDocument(ctx, p.id, "fake", string(lifeops.KindSleep), docID(lifeops.KindSleep, days[1])); err != nil {
		t.Errorf("the broken night's document was not kept raw: %v", err)
	}
	states, err := p.store.SyncStates(ctx, p.id)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range states {
		if st.Kind == lifeops.KindSleep && st.Through != today {
			t.Errorf("the sleep kind is synced through %s, want %s", st.Through, today)
		}
	}
}

// testDeletedDocuments: a document the provider deleted is marked deleted
// in the raw store, as its fields are cleared from the day.
func testDeletedDocuments(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	src := &source{}
	for _, d := range days {
		src.put(lifeops.KindDailySleep, lifeops.HealthDay{Date: d, Source: "fake", Sleep: &lifeops.ProviderScore{Value: 80}})
	}
	svc := newService(t, s, src)
	if _, err := svc.Sync(ctx, p.id, lifeops.SyncRequest{From: days[0], To: today}); err != nil {
		t.Fatal(err)
	}
	src.remove(lifeops.KindDailySleep, days[1])
	if _, err := svc.Sync(ctx, p.id, lifeops.SyncRequest{From: days[0], To: today}); err != nil {
		t.Fatal(err)
	}
	docs, err := p.store.RawDocuments(ctx, p.id, lifeops.RawQuery{Provider: "fake", Kind: string(lifeops.KindDailySleep)})
	if err != nil {
		t.Fatal(err)
	}
	deleted := map[civil.Date]bool{}
	for _, d := range docs {
		deleted[d.Date] = d.Deleted
	}
	want := map[civil.Date]bool{days[0]: false, days[1]: true, today: false}
	if fmt.Sprint(deleted) != fmt.Sprint(want) {
		t.Errorf("documents deleted %v, want %v", deleted, want)
	}
	day, err := svc.HealthDay(ctx, p.id, days[1])
	if err == nil && day.Sleep != nil {
		t.Errorf("the deleted day still has a sleep score: %+v", day.Sleep)
	}
	// The document coming back makes it live again.
	src.put(lifeops.KindDailySleep, lifeops.HealthDay{Date: days[1], Source: "fake", Sleep: &lifeops.ProviderScore{Value: 70}})
	if _, err := svc.Sync(ctx, p.id, lifeops.SyncRequest{From: days[0], To: today}); err != nil {
		t.Fatal(err)
	}
	doc, err := p.store.RawDocument(ctx, p.id, "fake", string(lifeops.KindDailySleep), docID(lifeops.KindDailySleep, days[1]))
	if err != nil || doc.Deleted {
		t.Errorf("a document sent again: %+v, %v; want it live", doc, err)
	}
}

// readOnly is a store on which every write fails.
type readOnly struct{ lifeops.Store }

var errWrite = errors.New("a read wrote")

func (readOnly) Update(context.Context, uuid.UUID, func(lifeops.Store) error) error { return errWrite }
func (readOnly) CreateUser(context.Context, lifeops.User) error                     { return errWrite }
func (readOnly) UpdateUser(context.Context, lifeops.User) error                     { return errWrite }
func (readOnly) DeleteUser(context.Context, uuid.UUID) error                        { return errWrite }
func (readOnly) PutGoals(context.Context, lifeops.Goals) error                      { return errWrite }
func (readOnly) PutHealthDays(context.Context, []lifeops.HealthDay) error           { return errWrite }
func (readOnly) MergeHealthDays(context.Context, lifeops.DataKind, []lifeops.HealthDay) error {
	return errWrite
}
func (readOnly) PutRawDocuments(context.Context, []lifeops.RawDocument) error { return errWrite }
func (readOnly) MarkRawDocumentsDeleted(context.Context, uuid.UUID, string, string, lifeops.Span, []string) (int, error) {
	return 0, errWrite
}
func (readOnly) PutHeartRate(context.Context, uuid.UUID, []lifeops.HeartRateSample) error {
	return errWrite
}
func (readOnly) PutSyncState(context.Context, lifeops.SyncState) error { return errWrite }
func (readOnly) PutWorkDay(context.Context, lifeops.WorkDay) error     { return errWrite }
func (readOnly) PutScores(context.Context, ...lifeops.DayScores) error { return errWrite }
func (readOnly) AddXP(context.Context, lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	return lifeops.XPEntry{}, false, errWrite
}
func (readOnly) DeleteXP(context.Context, uuid.UUID, string) (bool, error) { return false, errWrite }
func (readOnly) UpdateXP(context.Context, uuid.UUID, []lifeops.XPEntry, []string) error {
	return errWrite
}
func (readOnly) UnlockAchievement(context.Context, lifeops.Achievement) (lifeops.Achievement, bool, error) {
	return lifeops.Achievement{}, false, errWrite
}
func (readOnly) CreateItem(context.Context, lifeops.Item) error         { return errWrite }
func (readOnly) UpdateItem(context.Context, lifeops.Item) error         { return errWrite }
func (readOnly) DeleteItem(context.Context, uuid.UUID, uuid.UUID) error { return errWrite }
func (readOnly) AddEvent(context.Context, lifeops.Event) (lifeops.Event, bool, error) {
	return lifeops.Event{}, false, errWrite
}
func (readOnly) DeleteEvent(context.Context, uuid.UUID, uuid.UUID, civil.Date, int, lifeops.EventKind) (bool, error) {
	return false, errWrite
}
func (readOnly) PutCredential(context.Context, lifeops.Credential) error   { return errWrite }
func (readOnly) DeleteCredential(context.Context, uuid.UUID, string) error { return errWrite }
func (readOnly) AddZoneChange(context.Context, lifeops.ZoneChange) (lifeops.ZoneChange, bool, error) {
	return lifeops.ZoneChange{}, false, errWrite
}

// testReadsNeverWrite runs every read of the Service on a store that
// refuses every write, with history to count and nothing settled.
func testReadsNeverWrite(t *testing.T, b Backend) {
	s, _ := b.New(t)
	p := newPerson(t, s)
	ctx := context.Background()
	race(t, p.svc, p, 1, 20, 7)
	current, err := p.svc.Today(ctx, p.id, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(current)
	if err != nil {
		t.Fatal(err)
	}
	ro := newService(t, readOnly{s}, nil)
	reads := map[string]func() error{
		"Today": func() error {
			got, err := ro.Today(ctx, p.id, civil.Date{})
			if err != nil {
				return err
			}
			if b, _ := json.Marshal(got); string(b) != string(want) {
				return fmt.Errorf("Today on a read-only store differs:\n%s\n%s", b, want)
			}
			return nil
		},
		"Today of a past day": func() error { _, err := ro.Today(ctx, p.id, days[0]); return err },
		"Feed":                func() error { _, err := ro.Feed(ctx, p.id, civil.Date{}, ""); return err },
		"Achievements":        func() error { _, err := ro.Achievements(ctx, p.id); return err },
		"XP":                  func() error { _, err := ro.XP(ctx, p.id, lifeops.XPQuery{}); return err },
		"Scores":              func() error { _, err := ro.Scores(ctx, p.id, days[0], today); return err },
		"Items":               func() error { _, err := ro.Items(ctx, p.id); return err },
		"Profile":             func() error { _, err := ro.Profile(ctx, p.id); return err },
		"Goals":               func() error { _, err := ro.Goals(ctx, p.id); return err },
	}
	for name, read := range reads {
		if err := read(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/timeline"
)

// The demo person: a ring served by an in-process fake Oura, in Berlin.
const (
	demoDays      = 60
	demoZone      = "Europe/Berlin"
	demoRingID    = "demo-ring"
	demoRingToken = "demo-ring-token"
)

// demoRing is the in-process fake Oura of -demo.
type demoRing struct{ *ouratest.Server }

func startDemoRing() (*demoRing, error) {
	loc, err := time.LoadLocation(demoZone)
	if err != nil {
		return nil, err
	}
	today := civil.DateOf(time.Now().In(loc))
	s, err := ouratest.NewServer(ouratest.WithSeed(11), ouratest.WithUser(ouratest.User{
		ID: demoRingID, Token: demoRingToken, Location: loc, Since: today.AddDays(-demoDays - 30)}))
	if err != nil {
		return nil, fmt.Errorf("start the demo ring: %w", err)
	}
	return &demoRing{s}, nil
}

// demoState is what the data directory remembers of the demo person.
type demoState struct {
	UserID uuid.UUID `json:"user_id"`
}

// demoItems are the demo person's timeline.
func demoItems() []lifeops.Item {
	daily := timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: timeline.WeekStartOn(time.Monday)}
	item := func(title string, kind timeline.Kind, s timeline.Schedule, a timeline.Anchor, offset, minutes int, d lifeops.Difficulty) lifeops.Item {
		return lifeops.Item{Item: timeline.Item{Title: title, Kind: kind, Schedule: s, Anchor: a,
			OffsetMinutes: offset, DurationMinutes: minutes}, Difficulty: d}
	}
	at := func(h, m int) timeline.Anchor {
		return timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: h, Minute: m}}
	}
	return []lifeops.Item{
		item("Stretch", timeline.KindRoutine, daily, timeline.Anchor{Type: timeline.AnchorWake}, 15, 10, lifeops.DifficultyEasy),
		item("Deep work", timeline.KindTask, timeline.Schedule{Type: timeline.ScheduleWeekdays, WeekStart: timeline.WeekStartOn(time.Monday)}, at(9, 0), 0, 120, lifeops.DifficultyHard),
		item("Walk outside", timeline.KindHabit, daily, at(12, 30), 0, 30, lifeops.DifficultyMedium),
		item("Read", timeline.KindHabit, daily, timeline.Anchor{Type: timeline.AnchorBedtime}, -45, 20, lifeops.DifficultyEasy),
		item("Weekly review", timeline.KindTask, timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Friday}, WeekStart: timeline.WeekStartOn(time.Monday)},
			at(17, 0), 0, 45, lifeops.DifficultyMedium),
	}
}

// seedDemo makes (or finds again, in the same data directory) the demo
// person: created 60 days ago with a timeline, their ring connected and
// synced, most of their routines done on most days. It returns a fresh
// personal access token of theirs.
func seedDemo(ctx context.Context, svc *lifeops.Service, source *ourahealth.Source, db *store.DB, ring *demoRing, dir string, log *slog.Logger) (string, error) {
	loc, err := time.LoadLocation(demoZone)
	if err != nil {
		return "", err
	}
	statePath := filepath.Join(dir, "demo.json")
	var st demoState
	if b, err := os.ReadFile(statePath); err == nil {
		_ = json.Unmarshal(b, &st)
	}
	now := time.Now()
	today := civil.DateOf(now.In(loc))
	if st.UserID != uuid.Nil {
		if _, err := svc.Profile(ctx, st.UserID); errors.Is(err, lifeops.ErrNotFound) {
			st.UserID = uuid.Nil
		} else if err != nil {
			return "", err
		}
	}
	fresh := st.UserID == uuid.Nil
	if fresh {
		start := time.Date(today.Year, today.Month, today.Day, 12, 0, 0, 0, loc).AddDate(0, 0, -demoDays)
		past, err := lifeops.New(&lifeops.Config{Store: db, Logger: log, Clock: lifeops.ClockFunc(func() time.Time { return start })})
		if err != nil {
			return "", err
		}
		u, err := past.CreateUser(ctx, lifeops.NewUser{Name: "Demo", Zone: demoZone})
		if err != nil {
			return "", err
		}
		for i, it := range demoItems() {
			it.ID = uuid.NewSHA1(u.ID, []byte{byte(i)})
			if _, err := past.CreateItem(ctx, u.ID, it); err != nil {
				return "", fmt.Errorf("create %q: %w", it.Title, err)
			}
		}
		st.UserID = u.ID
		b, _ := json.Marshal(st)
		if err := os.WriteFile(statePath, b, 0o600); err != nil {
			return "", err
		}
	}
	if _, err := source.Connect(ctx, st.UserID, &oauth2.Token{AccessToken: demoRingToken, TokenType: "Bearer"}); err != nil {
		return "", fmt.Errorf("connect the demo ring: %w", err)
	}
	if _, err := svc.Sync(ctx, st.UserID, lifeops.SyncRequest{From: today.AddDays(1 - demoDays), To: today}); err != nil {
		return "", fmt.Errorf("sync the demo ring: %w", err)
	}
	if fresh {
		if err := demoHistory(ctx, db, st.UserID, today, loc, log); err != nil {
			return "", err
		}
	}
	if _, err := svc.Settle(ctx, st.UserID); err != nil {
		return "", err
	}
	tok := "lo_pat_" + randomSecret()
	h := sha256.Sum256([]byte(tok))
	if _, err := svc.CreatePersonalToken(ctx, st.UserID, lifeops.NewPersonalToken{
		Name: "demo " + now.UTC().Format(time.DateTime), Scope: lifeops.ScopeWrite, ExpiresInDays: 30, Hash: h[:]}); err != nil {
		return "", err
	}
	log.Info("demo person ready", "user_id", st.UserID, "days", demoDays)
	return tok, nil
}

// demoHistory completes most of the demo person's occurrences of the past
// days, each at its time on its day (a Service whose clock is that
// evening), and skips a few.
func demoHistory(ctx context.Context, db *store.DB, userID uuid.UUID, today civil.Date, loc *time.Location, log *slog.Logger) error {
	items := demoItems()
	for d := today.AddDays(-demoDays + 1); d.Before(today); d = d.AddDays(1) {
		evening := time.Date(d.Year, d.Month, d.Day, 22, 30, 0, 0, loc)
		svc, err := lifeops.New(&lifeops.Config{Store: db, Logger: log, Clock: lifeops.ClockFunc(func() time.Time { return evening })})
		if err != nil {
			return err
		}
		for i, it := range items {
			if !it.DueOn(d, loc) {
				continue
			}
			id := uuid.NewSHA1(userID, []byte{byte(i)})
			roll := (d.Days()*7 + i*13) % 10
			switch {
			case roll < 7:
				_, err = svc.Complete(ctx, userID, id, d, 0)
			case roll == 7:
				_, err = svc.Skip(ctx, userID, id, d, 0, "busy")
			default:
				continue
			}
			if err != nil && !errors.Is(err, lifeops.ErrInvalid) {
				return fmt.Errorf("demo history %s: %w", d, err)
			}
		}
	}
	return nil
}

func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

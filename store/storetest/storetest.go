// Package storetest is the conformance suite for implementations of
// lifeops.Store: one set of behavioural tests that every backend (the
// in-memory store, SQLite, Postgres) runs, so they all keep the promises
// written on the ports in package lifeops.
//
// Call [Run] from a test of the backend:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) lifeops.Store { return openTestStore(t) })
//	}
//
// Run calls newStore from parallel subtests, once per group of behaviours,
// and every subtest works on users of its own with random ids, so a backend
// may hand out one shared database to all of them.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// NewStoreFunc returns a store for one group of subtests. It registers any
// cleanup with t.
type NewStoreFunc func(t *testing.T) lifeops.Store

// Run runs every behaviour of every store port against stores made by
// newStore.
func Run(t *testing.T, newStore NewStoreFunc) {
	t.Helper()
	groups := []struct {
		name string
		run  func(t *testing.T, s lifeops.Store)
	}{
		{"Users", testUsers},
		{"Goals", testGoals},
		{"HealthDays", testHealthDays},
		{"MergeHealthDays", testMergeHealthDays},
		{"RawDocuments", testRawDocuments},
		{"HeartRate", testHeartRate},
		{"SyncState", testSyncState},
		{"WorkDays", testWorkDays},
		{"Scores", testScores},
		{"XP", testXP},
		{"Achievements", testAchievements},
		{"XPTotal", testXPTotal},
		{"Update", testUpdate},
		{"Snapshot", testSnapshot},
		{"Items", testItems},
		{"Events", testEvents},
		{"Credentials", testCredentials},
		{"WorkSources", testWorkSources},
		{"ZoneChanges", testZoneChanges},
		{"Access", testAccess},
		{"CascadeOnUserDelete", testCascade},
		{"CancelledContext", testCancelledContext},
		{"ConcurrentWrites", testConcurrentWrites},
		{"UnstorableText", testText},
		{"RefusedInputs", testRefused},
		{"WideRanges", testWideRanges},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.run(t, newStore(t))
		})
	}
}

// opts compares records the way the ports promise: decimals by value, nil
// and empty slices and maps alike.
var opts = cmp.Options{
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// diff fails t when got differs from want.
func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, opts); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// must fails t at once on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantErr fails t unless err matches target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want one matching %v", what, err, target)
	}
}

// at returns an instant with sub-microsecond digits in a zone other than
// UTC, so every comparison also checks the promised normalisation.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	loc := time.FixedZone("UTC+5:30", 5*3600+1800)
	return time.Date(y, m, d, hh, mm, 7, 123456789, loc)
}

// stored is what a store returns for t: UTC, truncated to the microsecond.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func storedPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := stored(*t)
	return &v
}

// checkUTC fails t when an instant that a store returned is not in UTC.
func checkUTC(t *testing.T, what string, ts ...time.Time) {
	t.Helper()
	for _, x := range ts {
		if !x.IsZero() && x.Location() != time.UTC {
			t.Errorf("%s: instant %v is in %v, want UTC", what, x, x.Location())
		}
	}
}

func ptr[T any](v T) *T { return &v }

// copyInt returns a copy of *p in a new variable, or nil for nil.
func copyInt(p *int) *int {
	if p == nil {
		return nil
	}
	return new(*p)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// newUser returns a valid user with a random id.
func newUser(name string) lifeops.User {
	created := at(2026, 1, 2, 9, 0)
	return lifeops.User{
		ID: uuid.New(), Name: name, Zone: "Europe/Berlin", DayStartHour: 4,
		WakeTime: civil.Clock{Hour: 6, Minute: 45}, Bedtime: civil.Clock{Hour: 22, Minute: 30},
		Version: 1, CreatedAt: created, UpdatedAt: created,
	}
}

// mustUser stores a new user and returns it as the store returns it.
func mustUser(t *testing.T, s lifeops.Store, name string) lifeops.User {
	t.Helper()
	u := newUser(name)
	must(t, "CreateUser", s.CreateUser(context.Background(), u))
	got, err := s.User(context.Background(), u.ID)
	must(t, "User", err)
	return got
}

func ctx(t *testing.T) context.Context { return t.Context() }

func name(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// contextCancelled returns a context that is already cancelled.
func contextCancelled(t *testing.T) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(t.Context())
	cancel()
	return c, cancel
}

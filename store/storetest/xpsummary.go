package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// testXPSummary checks the optional lifeops.XPSummaryStore: a store's
// summary of a ledger is the one lifeops.SummarizeXP makes of the same
// ledger read whole. Stores without it skip the group.
func testXPSummary(t *testing.T, s lifeops.Store) {
	ss, ok := s.(lifeops.XPSummaryStore)
	if !ok {
		t.Skip("the store does not implement lifeops.XPSummaryStore")
	}
	t.Run("MatchesTheLedger", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Summary")
		empty, err := ss.XPSummary(ctx(t), u.ID)
		must(t, "XPSummary of an empty ledger", err)
		diff(t, "summary of an empty ledger", lifeops.XPSummary{}, empty)
		base := at(2026, 3, 1, 12, 0)
		entries := []lifeops.XPEntry{
			{Key: "completion:a:2026-03-02", Date: civil.D(2026, 3, 2), Kind: "completion", Points: 6},
			{Key: "achievement:first_completion", Date: civil.D(2026, 3, 2), Kind: "achievement", Points: 50, Code: "first_completion"},
			{Key: "perfect_day:2026-03-01", Date: civil.D(2026, 3, 1), Kind: "perfect_day", Points: 25},
			{Key: "achievement:perfect_day", Date: civil.D(2026, 3, 1), Kind: "achievement", Points: 50, Code: "perfect_day"},
			{Key: "grant:back", Date: civil.D(2026, 3, 2), Kind: "grant", Points: -10},
			{Key: "achievement:level_2", Date: civil.D(2026, 3, 2), Kind: "achievement", Points: 1000000, Code: "level_2"},
		}
		for i, e := range entries {
			e.UserID, e.CreatedAt = u.ID, base.Add(time.Duration(-i)*time.Minute)
			_, _, err := s.AddXP(ctx(t), e)
			must(t, "AddXP", err)
		}
		got, err := ss.XPSummary(ctx(t), u.ID)
		must(t, "XPSummary", err)
		ledger, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		diff(t, "summary (-from the ledger +from the store)", lifeops.SummarizeXP(ledger), got)
		diff(t, "days", []lifeops.XPDay{{Date: civil.D(2026, 3, 1), Points: 75}, {Date: civil.D(2026, 3, 2), Points: 46 + 1000000}}, got.Days)
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := ss.XPSummary(ctx(t), uuid.New())
		wantErr(t, "XPSummary of an unknown user", err, lifeops.ErrNotFound)
	})
}

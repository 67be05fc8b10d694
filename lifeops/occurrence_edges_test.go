package lifeops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestCompleteAwardsEveryValidItem: every item that validates completes and
// earns its XP, at the edges of what an item allows: a title of the longest
// length (the ledger reason has a shorter limit) and the largest XP value
// the timeline package accepts.
func TestCompleteAwardsEveryValidItem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name      string
		title     string
		xp        *int
		wantBase  int64
		wantTitle string // a prefix of the reason
	}{
		{"longest title", strings.Repeat("é", timeline.MaxTitleLength), nil, 5, `Completed "éé`},
		{"largest xp", "Deep work", ptr(timeline.MaxXP), timeline.MaxXP, `Completed "Deep work"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, berlin(t)))
			u := b.user(t)
			it := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
				Title: tt.title, Kind: timeline.KindHabit, XP: tt.xp,
				Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
				Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 7, Minute: 30}}, DurationMinutes: 15,
			}}))
			out, err := b.svc.Complete(ctx, u.ID, it.ID, day(10))
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if out.Award == nil || len(out.Award.Parts) == 0 || out.Award.Parts[0].Points != tt.wantBase {
				t.Fatalf("award %+v, want a base of %d", out.Award, tt.wantBase)
			}
			if !strings.HasPrefix(out.Award.Reason, tt.wantTitle) || len(out.Award.Reason) > 200 {
				t.Errorf("reason %q (%d bytes), want it to start %q and fit the ledger", out.Award.Reason, len(out.Award.Reason), tt.wantTitle)
			}
		})
	}
}

package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/servicetest"
)

// statements counts the statements a bun.DB runs, and the writes among them.
type statements struct {
	mu     sync.Mutex
	on     bool
	all    []string
	writes int
}

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (s *statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on {
		return
	}
	q := strings.TrimSpace(e.Query)
	s.all = append(s.all, q)
	if strings.Contains(q, "data_version = data_version + 1") {
		return // the person's lock, which raises their data version
	}
	switch strings.ToUpper(strings.SplitN(q, " ", 2)[0]) {
	case "INSERT", "UPDATE", "DELETE":
		s.writes++
	}
}

// count runs call and returns the statements it ran and how many wrote.
func (s *statements) count(t *testing.T, call func() error) (int, int) {
	t.Helper()
	s.mu.Lock()
	s.on, s.all, s.writes = true, nil, 0
	s.mu.Unlock()
	err := call()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.on = false
	if err != nil {
		t.Fatal(err)
	}
	return len(s.all), s.writes
}

// TestStatementsPerCall counts the statements of the hot use cases on a
// person with a month and with a year of history, the transaction's BEGIN
// and its COMMIT or ROLLBACK included (each is a round trip): a fixed,
// small number whatever the history's length, and none that writes on a
// read. A unit of work's lock raises the person's data version; that is
// not a write of their data. Today asked again with nothing written is one
// statement (the data version); after a write through the same Service it
// is a snapshot, and after a write elsewhere (another process) both.
func TestStatementsPerCall(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		for _, days := range []int{30, 365} {
			t.Run(fmt.Sprintf("%s/%d days", b.name, days), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				db := mustMigrate(t, b.open(t))
				p, err := servicetest.Seed(ctx, db, days)
				if err != nil {
					t.Fatal(err)
				}
				svc, err := lifeops.New(&lifeops.Config{Store: db, Clock: lifeops.ClockFunc(servicetest.Now)})
				if err != nil {
					t.Fatal(err)
				}
				// Another process's Service on the same database.
				other, err := lifeops.New(&lifeops.Config{Store: db, Clock: lifeops.ClockFunc(servicetest.Now)})
				if err != nil {
					t.Fatal(err)
				}
				hook := &statements{}
				db.Bun().AddQueryHook(hook)
				it := p.Items[0]
				calls := []struct {
					name     string
					call     func() error
					most     int
					mayWrite bool
				}{
					{"Today", func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }, 4, false},
					{"Today again, nothing written", func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }, 1, false},
					{"Feed", func() error { _, err := svc.Feed(ctx, p.ID, civil.Date{}, ""); return err }, 4, false},
					{"Achievements", func() error { _, err := svc.Achievements(ctx, p.ID); return err }, 4, false},
					{"XP", func() error { _, err := svc.XP(ctx, p.ID, lifeops.XPQuery{Page: lifeops.Page{Limit: 20}}); return err }, 2, false},
					{"Complete", func() error { _, err := svc.Complete(ctx, p.ID, it, civil.Date{}, 0); return err }, 12, true},
					{"Complete again", func() error { _, err := svc.Complete(ctx, p.ID, it, civil.Date{}, 0); return err }, 6, false},
					{"Undo", func() error { _, err := svc.Undo(ctx, p.ID, it, civil.Date{}, 0); return err }, 12, true},
					{"Today after a write", func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }, 4, false},
					{"Today again", func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }, 1, false},
					{"Complete elsewhere", func() error { _, err := other.Complete(ctx, p.ID, it, civil.Date{}, 0); return err }, 12, true},
					{"Today after a write elsewhere", func() error { _, err := svc.Today(ctx, p.ID, civil.Date{}); return err }, 5, false},
					{"Settle, nothing to settle", func() error { _, err := svc.Settle(ctx, p.ID); return err }, 6, false},
				}
				for _, c := range calls {
					n, writes := hook.count(t, c.call)
					t.Logf("%-26s %2d statements, %d writes", c.name, n, writes)
					if n > c.most {
						t.Errorf("%s ran %d statements, want at most %d:\n%s", c.name, n, c.most, strings.Join(hook.all, "\n"))
					}
					if writes > 0 && !c.mayWrite {
						t.Errorf("%s wrote %d times", c.name, writes)
					}
				}
			})
		}
	}
}

package storetest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// sumLedger returns the sum of the user's entries, read whole.
func sumLedger(t *testing.T, s lifeops.Store, userID uuid.UUID) int64 {
	t.Helper()
	entries, err := s.XPEntries(ctx(t), userID, lifeops.XPQuery{})
	must(t, "XPEntries", err)
	var sum int64
	for _, e := range entries {
		sum += e.Points
	}
	return sum
}

// checkTotal fails t unless the user's total is want and the sum of the
// ledger.
func checkTotal(t *testing.T, s lifeops.Store, userID uuid.UUID, what string, want int64) {
	t.Helper()
	got, err := s.XPTotal(ctx(t), userID)
	must(t, "XPTotal", err)
	if sum := sumLedger(t, s, userID); got != want || sum != want {
		t.Errorf("%s: XPTotal %d, ledger sum %d, want %d", what, got, sum, want)
	}
}

// testXPTotal checks that every write of the ledger keeps the user's total,
// and UpdateXP.
func testXPTotal(t *testing.T, s lifeops.Store) {
	d := civil.D(2026, 3, 2)
	t.Run("TotalFollowsEveryWrite", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Total")
		checkTotal(t, s, u.ID, "empty ledger", 0)
		_, _, err := s.AddXP(ctx(t), xpEntry(u.ID, "a", d, 10))
		must(t, "AddXP", err)
		_, _, err = s.AddXP(ctx(t), xpEntry(u.ID, "a", d, 99))
		must(t, "AddXP again", err)
		checkTotal(t, s, u.ID, "after one entry added twice", 10)
		must(t, "UpdateXP", s.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "b", d, 5), xpEntry(u.ID, "c", d, -3), xpEntry(u.ID, "a", d, 1)}, nil))
		checkTotal(t, s, u.ID, "after UpdateXP adds two new keys and one taken", 12)
		must(t, "UpdateXP remove", s.UpdateXP(ctx(t), u.ID, nil, []string{"b", "nope"}))
		checkTotal(t, s, u.ID, "after UpdateXP removes one key and a missing one", 7)
		deleted, err := s.DeleteXP(ctx(t), u.ID, "a")
		must(t, "DeleteXP", err)
		if !deleted {
			t.Error("DeleteXP of a stored key reported nothing deleted")
		}
		checkTotal(t, s, u.ID, "after DeleteXP", -3)
	})
	t.Run("UpdateXPIsAllOrNothing", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "AllOrNothing")
		must(t, "UpdateXP", s.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "keep", d, 4)}, nil))
		bad := xpEntry(u.ID, "bad", d, 4)
		bad.Kind = ""
		err := s.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "new", d, 4), bad}, []string{"keep"})
		wantErr(t, "UpdateXP with an invalid entry", err, lifeops.ErrInvalid)
		checkTotal(t, s, u.ID, "after a refused UpdateXP", 4)
		err = s.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "keep", d, 4)}, []string{"keep"})
		wantErr(t, "UpdateXP adding and removing one key", err, lifeops.ErrInvalid)
		checkTotal(t, s, u.ID, "after UpdateXP of one key both ways", 4)
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := s.XPTotal(ctx(t), uuid.New())
		wantErr(t, "XPTotal of an unknown user", err, lifeops.ErrNotFound)
		id := uuid.New()
		err = s.UpdateXP(ctx(t), id, []lifeops.XPEntry{xpEntry(id, "a", d, 1)}, nil)
		wantErr(t, "UpdateXP of an unknown user", err, lifeops.ErrNotFound)
	})
	t.Run("ConcurrentWritesKeepTheTotal", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "ConcurrentTotal")
		concurrently(24, func(i int) {
			key := fmt.Sprintf("k%d", i%6)
			switch i % 3 {
			case 0:
				_, _, _ = s.AddXP(ctx(t), xpEntry(u.ID, key, d, int64(i+1)))
			case 1:
				_ = s.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, key+"u", d, 7)}, []string{fmt.Sprintf("k%d", (i+1)%6)})
			default:
				_, _ = s.DeleteXP(ctx(t), u.ID, key)
			}
		})
		got, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		checkTotal(t, s, u.ID, "after concurrent writes", got)
	})
}

// errStop is what the functions given to Update return to roll back.
var errStop = errors.New("stop")

// testUpdate checks Transactor.Update: commit, roll back on an error or a
// panic, one at a time per user, joining, and the unknown user.
func testUpdate(t *testing.T, s lifeops.Store) {
	d := civil.D(2026, 3, 2)
	t.Run("CommitsWhatItWrote", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Commit")
		err := s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
			if err := tx.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "a", d, 3)}, nil); err != nil {
				return err
			}
			// The unit of work sees its own writes.
			got, err := tx.XPTotal(ctx(t), u.ID)
			if err == nil && got != 3 {
				err = fmt.Errorf("total inside the unit %d, want 3", got)
			}
			return err
		})
		must(t, "Update", err)
		checkTotal(t, s, u.ID, "after a committed unit", 3)
	})
	t.Run("RollsBackOnAnError", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Rollback")
		it := newItem(u.ID, "Walk")
		err := s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
			must(t, "CreateItem", tx.CreateItem(ctx(t), it))
			must(t, "UpdateXP", tx.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "a", d, 3)}, nil))
			must(t, "PutWorkDay", tx.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: d, WorkMinutes: 60, Source: "manual", UpdatedAt: at(2026, 3, 2, 9, 0)}))
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatalf("Update returned %v, want the function's error", err)
		}
		checkTotal(t, s, u.ID, "after a unit that failed", 0)
		_, err = s.Item(ctx(t), u.ID, it.ID)
		wantErr(t, "the item a failed unit created", err, lifeops.ErrNotFound)
		days, err := s.WorkDays(ctx(t), u.ID, d, d)
		must(t, "WorkDays", err)
		diff(t, "work days after a failed unit", []lifeops.WorkDay{}, days)
	})
	t.Run("RollsBackOnAPanic", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Panic")
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic did not reach the caller")
				}
			}()
			_ = s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
				must(t, "UpdateXP", tx.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "a", d, 3)}, nil))
				panic("boom")
			})
		}()
		checkTotal(t, s, u.ID, "after a unit that panicked", 0)
		// The person's lock was released.
		must(t, "Update after a panic", s.Update(ctx(t), u.ID, func(lifeops.Store) error { return nil }))
	})
	t.Run("OneAtATimePerUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Serial")
		// Each unit reads the total and adds an entry that takes it one
		// higher: units that overlapped would both read the same total.
		const n = 12
		errs := make([]error, n)
		concurrently(n, func(i int) {
			errs[i] = s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
				total, err := tx.XPTotal(ctx(t), u.ID)
				if err != nil {
					return err
				}
				return tx.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, fmt.Sprintf("step:%d", total), d, 1)}, nil)
			})
		})
		for i, err := range errs {
			must(t, fmt.Sprintf("Update %d", i), err)
		}
		checkTotal(t, s, u.ID, "after units that each add one step", n)
	})
	t.Run("JoinsForItsOwnUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Join")
		other := mustUser(t, s, "Other")
		err := s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
			if err := tx.Update(ctx(t), u.ID, func(inner lifeops.Store) error {
				return inner.UpdateXP(ctx(t), u.ID, []lifeops.XPEntry{xpEntry(u.ID, "a", d, 3)}, nil)
			}); err != nil {
				return err
			}
			if err := tx.Update(ctx(t), other.ID, func(lifeops.Store) error { return nil }); err == nil {
				return errors.New("a unit of one person joined another's")
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatalf("Update: %v", err)
		}
		checkTotal(t, s, u.ID, "after a joined unit that failed", 0)
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		ran := false
		err := s.Update(ctx(t), uuid.New(), func(lifeops.Store) error { ran = true; return nil })
		wantErr(t, "Update of an unknown user", err, lifeops.ErrNotFound)
		if ran {
			t.Error("Update ran its function for an unknown user")
		}
	})
	t.Run("CancelledContextRunsNothing", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Cancelled")
		c, cancel := contextCancelled(t)
		defer cancel()
		ran := false
		err := s.Update(c, u.ID, func(lifeops.Store) error { ran = true; return nil })
		if err == nil || ran {
			t.Errorf("Update with a cancelled context: err %v, ran %v", err, ran)
		}
	})
}

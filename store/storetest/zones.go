package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// move is a zone change of user at t.
func move(userID uuid.UUID, t time.Time, from, to string) lifeops.ZoneChange {
	return lifeops.ZoneChange{UserID: userID, At: t, From: from, To: to}
}

func storedMove(c lifeops.ZoneChange) lifeops.ZoneChange {
	c.At = stored(c.At)
	return c
}

func testZoneChanges(t *testing.T, s lifeops.Store) {
	t.Run("AppendAndListInOrder", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Traveller")
		out := move(u.ID, at(2026, 6, 11, 20, 0), "America/Los_Angeles", "Asia/Tokyo")
		back := move(u.ID, at(2026, 6, 16, 8, 0), "Asia/Tokyo", "America/Los_Angeles")
		first := move(u.ID, at(2026, 6, 1, 9, 0), "Europe/Berlin", "America/Los_Angeles")
		none, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges before any", err)
		diff(t, "zone changes of a user who never moved", []lifeops.ZoneChange(nil), none)
		// Added out of order, listed in the order they happened.
		for _, c := range []lifeops.ZoneChange{back, first, out} {
			got, created, err := s.AddZoneChange(ctx(t), c)
			must(t, "AddZoneChange", err)
			if !created {
				t.Errorf("AddZoneChange(%s) reported created=false for a new change", c.At)
			}
			diff(t, "returned change", storedMove(c), got)
			checkUTC(t, "returned change", got.At)
		}
		got, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		diff(t, "zone changes", []lifeops.ZoneChange{storedMove(first), storedMove(out), storedMove(back)}, got)
		for _, c := range got {
			checkUTC(t, "listed change", c.At)
		}
	})
	t.Run("RetryIsIdempotent", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Retry")
		c := move(u.ID, at(2026, 6, 11, 20, 0), "America/Los_Angeles", "Asia/Tokyo")
		_, _, err := s.AddZoneChange(ctx(t), c)
		must(t, "AddZoneChange", err)
		// The same instant to the microsecond is the same key: a retry
		// stores nothing and gets the first change back, even when it
		// names another destination.
		again := c
		again.At = c.At.Add(200 * time.Nanosecond).UTC() // 07.123456989: the same microsecond
		again.To = "Asia/Seoul"
		got, created, err := s.AddZoneChange(ctx(t), again)
		must(t, "AddZoneChange again", err)
		if created {
			t.Error("a retried change at the same instant was created again")
		}
		diff(t, "change returned to the retry", storedMove(c), got)
		list, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		diff(t, "zone changes after the retry", []lifeops.ZoneChange{storedMove(c)}, list)
	})
	t.Run("ConcurrentRetriesRecordOnce", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Race")
		c := move(u.ID, at(2026, 6, 11, 20, 0), "America/Los_Angeles", "Asia/Tokyo")
		const n = 20
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for range n {
			wg.Go(func() {
				got, ok, err := s.AddZoneChange(ctx(t), c)
				if err != nil {
					t.Errorf("AddZoneChange: %v", err)
					return
				}
				if got.To != c.To {
					t.Errorf("AddZoneChange returned %+v, want the stored change", got)
				}
				mu.Lock()
				defer mu.Unlock()
				if ok {
					created++
				}
			})
		}
		wg.Wait()
		list, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		if created != 1 || len(list) != 1 {
			t.Errorf("%d concurrent calls created %d changes and stored %d, want 1 and 1", n, created, len(list))
		}
	})
	t.Run("KeyedPerUser", func(t *testing.T) {
		t.Parallel()
		a, b := mustUser(t, s, "A"), mustUser(t, s, "B")
		when := at(2026, 6, 11, 20, 0)
		ca := move(a.ID, when, "Europe/Berlin", "Asia/Tokyo")
		cb := move(b.ID, when, "Europe/Berlin", "America/New_York")
		for _, c := range []lifeops.ZoneChange{ca, cb} {
			_, created, err := s.AddZoneChange(ctx(t), c)
			must(t, "AddZoneChange", err)
			if !created {
				t.Errorf("a change of another user at the same instant was not created")
			}
		}
		for _, w := range []lifeops.ZoneChange{ca, cb} {
			got, err := s.ZoneChanges(ctx(t), w.UserID)
			must(t, "ZoneChanges", err)
			diff(t, "one user's changes", []lifeops.ZoneChange{storedMove(w)}, got)
		}
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		id := uuid.New()
		_, _, err := s.AddZoneChange(ctx(t), move(id, at(2026, 6, 11, 20, 0), "Europe/Berlin", "Asia/Tokyo"))
		wantErr(t, "AddZoneChange for an unknown user", err, lifeops.ErrNotFound)
		_, err = s.ZoneChanges(ctx(t), id)
		wantErr(t, "ZoneChanges of an unknown user", err, lifeops.ErrNotFound)
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad move")
		when := at(2026, 6, 11, 20, 0)
		tests := []struct {
			name   string
			c      lifeops.ZoneChange
			fields []string
		}{
			{"no user", move(uuid.Nil, when, "Europe/Berlin", "Asia/Tokyo"), []string{"user_id"}},
			{"no instant", move(u.ID, time.Time{}, "Europe/Berlin", "Asia/Tokyo"), []string{"at"}},
			{"unknown zones", move(u.ID, when, "Mars/Olympus", "Local"), []string{"from", "to"}},
			{"no move", move(u.ID, when, "Asia/Tokyo", "Asia/Tokyo"), []string{"to"}},
		}
		for _, tt := range tests {
			_, _, err := s.AddZoneChange(ctx(t), tt.c)
			wantErr(t, "AddZoneChange "+tt.name, err, lifeops.ErrInvalid)
			var got []string
			for _, fe := range lifeops.FieldErrors(err) {
				got = append(got, fe.Field)
			}
			diff(t, "fields of "+tt.name, tt.fields, got)
		}
		list, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		diff(t, "changes after invalid writes", []lifeops.ZoneChange(nil), list)
	})
	t.Run("CancelledContext", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Cancelled move")
		c, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := s.AddZoneChange(c, move(u.ID, at(2026, 6, 11, 20, 0), "Europe/Berlin", "Asia/Tokyo"))
		wantErr(t, "AddZoneChange with a cancelled context", err, context.Canceled)
		_, err = s.ZoneChanges(c, u.ID)
		wantErr(t, "ZoneChanges with a cancelled context", err, context.Canceled)
		list, err := s.ZoneChanges(ctx(t), u.ID)
		must(t, "ZoneChanges", err)
		diff(t, "changes after a cancelled write", []lifeops.ZoneChange(nil), list)
	})
}

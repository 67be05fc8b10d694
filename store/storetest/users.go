package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

func testUsers(t *testing.T, s lifeops.Store) {
	t.Run("CreateAndRead", func(t *testing.T) {
		t.Parallel()
		u := newUser("Ada Lovelace")
		u.Zone, u.DayStartHour = "Australia/Lord_Howe", 0
		u.WakeTime, u.Bedtime = civil.Clock{Hour: 5, Minute: 59}, civil.Clock{Hour: 0, Minute: 30}
		must(t, "CreateUser", s.CreateUser(ctx(t), u))
		got, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		want := u
		want.CreatedAt, want.UpdatedAt = stored(u.CreatedAt), stored(u.UpdatedAt)
		diff(t, "User", want, got)
		checkUTC(t, "User", got.CreatedAt, got.UpdatedAt)
	})
	t.Run("UnicodeName", func(t *testing.T) {
		t.Parallel()
		u := newUser("Zoë 王 👩‍🔬")
		must(t, "CreateUser", s.CreateUser(ctx(t), u))
		got, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		if got.Name != u.Name {
			t.Errorf("name = %q, want %q", got.Name, u.Name)
		}
	})
	t.Run("CreateDuplicateIsConflict", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "First")
		dup := newUser("Second")
		dup.ID = u.ID
		wantErr(t, "CreateUser duplicate", s.CreateUser(ctx(t), dup), lifeops.ErrConflict)
		got, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		if got.Name != "First" {
			t.Errorf("a conflicting create changed the user: name %q", got.Name)
		}
	})
	t.Run("CreateInvalidIsRejected", func(t *testing.T) {
		t.Parallel()
		u := newUser("")
		u.Zone = "Nowhere/Land"
		err := s.CreateUser(ctx(t), u)
		wantErr(t, "CreateUser invalid", err, lifeops.ErrInvalid)
		fields := []string{}
		for _, fe := range lifeops.FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		diff(t, "invalid fields", []string{"name", "timezone"}, fields)
		_, err = s.User(ctx(t), u.ID)
		wantErr(t, "User after invalid create", err, lifeops.ErrNotFound)
	})
	t.Run("ReadMissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		_, err := s.User(ctx(t), uuid.New())
		wantErr(t, "User missing", err, lifeops.ErrNotFound)
	})
	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Before")
		changed := u
		changed.Name, changed.Zone, changed.DayStartHour = "After", "America/New_York", 5
		changed.WakeTime, changed.Bedtime = civil.Clock{Hour: 8}, civil.Clock{Hour: 1, Minute: 15}
		changed.CreatedAt = at(2030, 1, 1, 0, 0) // ignored: CreatedAt never changes
		changed.UpdatedAt = at(2026, 2, 3, 4, 5)
		must(t, "UpdateUser", s.UpdateUser(ctx(t), changed))
		got, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		want := changed
		want.CreatedAt, want.UpdatedAt = u.CreatedAt, stored(changed.UpdatedAt)
		diff(t, "updated user", want, got)
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		wantErr(t, "UpdateUser missing", s.UpdateUser(ctx(t), newUser("Ghost")), lifeops.ErrNotFound)
	})
	t.Run("UpdateInvalidIsRejected", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Valid")
		bad := u
		bad.DayStartHour = 24
		wantErr(t, "UpdateUser invalid", s.UpdateUser(ctx(t), bad), lifeops.ErrInvalid)
		got, err := s.User(ctx(t), u.ID)
		must(t, "User", err)
		diff(t, "user after invalid update", u, got)
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Leaving")
		must(t, "DeleteUser", s.DeleteUser(ctx(t), u.ID))
		_, err := s.User(ctx(t), u.ID)
		wantErr(t, "User after delete", err, lifeops.ErrNotFound)
		wantErr(t, "DeleteUser again", s.DeleteUser(ctx(t), u.ID), lifeops.ErrNotFound)
	})
	t.Run("ListOrderAndPages", func(t *testing.T) {
		t.Parallel()
		// Created long before every other user of the suite, one second apart.
		var mine []lifeops.User
		for i := range 3 {
			u := newUser(name("Listed %d", i))
			u.CreatedAt = time.Date(1999, 1, 1, 0, 0, 3-i, 0, time.UTC) // inserted newest first
			u.UpdatedAt = u.CreatedAt
			must(t, "CreateUser", s.CreateUser(ctx(t), u))
			mine = append(mine, u)
		}
		slices.Reverse(mine) // oldest first, the order Users promises
		all, err := s.Users(ctx(t), lifeops.Page{})
		must(t, "Users", err)
		var ids []uuid.UUID
		first := -1
		for i, u := range all {
			for _, m := range mine {
				if u.ID == m.ID {
					ids = append(ids, u.ID)
					if first < 0 {
						first = i
					}
				}
			}
		}
		diff(t, "order of listed users", []uuid.UUID{mine[0].ID, mine[1].ID, mine[2].ID}, ids)
		if first < 0 {
			t.Fatal("Users does not list the created users")
		}
		got, err := s.Users(ctx(t), lifeops.Page{Offset: first + 1, Limit: 2})
		must(t, "Users page", err)
		var pageIDs []uuid.UUID
		for _, u := range got {
			pageIDs = append(pageIDs, u.ID)
		}
		diff(t, "page of users", []uuid.UUID{mine[1].ID, mine[2].ID}, pageIDs)
	})
}

func testGoals(t *testing.T, s lifeops.Store) {
	t.Run("MissingIsNotFound", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "No goals")
		_, err := s.Goals(ctx(t), u.ID)
		wantErr(t, "Goals before PutGoals", err, lifeops.ErrNotFound)
	})
	t.Run("PutReadReplace", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Goals")
		g := lifeops.Goals{
			UserID: u.ID, SleepMinutes: 450, Steps: 12345, WorkMinutes: 420, AfterHoursMinutes: 15,
			RestingHeartRate: 54, DayGoalPercent: 75, UpdatedAt: at(2026, 3, 1, 8, 0),
			Weights: lifeops.DomainWeights{Sleep: dec("1.25"), Activity: dec("0.3333"), WorkLife: dec("0"), Habits: dec("99.999")},
		}
		must(t, "PutGoals", s.PutGoals(ctx(t), g))
		got, err := s.Goals(ctx(t), u.ID)
		must(t, "Goals", err)
		want := g
		want.UpdatedAt = stored(g.UpdatedAt)
		diff(t, "Goals", want, got)
		if !got.Weights.Activity.Equal(decimal.RequireFromString("0.3333")) {
			t.Errorf("decimal weight = %s, want 0.3333 exactly", got.Weights.Activity)
		}

		g2 := lifeops.DefaultGoals(u.ID)
		must(t, "PutGoals again", s.PutGoals(ctx(t), g2))
		got, err = s.Goals(ctx(t), u.ID)
		must(t, "Goals", err)
		diff(t, "replaced Goals", g2, got)
	})
	t.Run("UnknownUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		wantErr(t, "PutGoals unknown user", s.PutGoals(ctx(t), lifeops.DefaultGoals(uuid.New())), lifeops.ErrNotFound)
	})
	t.Run("InvalidIsRejected", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad goals")
		g := lifeops.DefaultGoals(u.ID)
		g.Steps = 0
		wantErr(t, "PutGoals invalid", s.PutGoals(ctx(t), g), lifeops.ErrInvalid)
		_, err := s.Goals(ctx(t), u.ID)
		wantErr(t, "Goals after invalid put", err, lifeops.ErrNotFound)
	})
}

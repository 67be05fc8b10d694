package storetest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

func testWorkSources(t *testing.T, s lifeops.Store) {
	settings := func(userID uuid.UUID, source string, version int64, secrets map[string]lifeops.Secret) lifeops.WorkSourceSettings {
		return lifeops.WorkSourceSettings{UserID: userID, Source: source,
			// Kept byte for byte: key order and spacing included.
			Settings: json.RawMessage(`{"z": 1, "feeds": [{"id": "work"}],  "a": "ü"}`),
			Secrets:  secrets, Version: version, UpdatedAt: stored(at(2026, 3, 10, 9, 0))}
	}
	t.Run("PutGetListDelete", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Sources")
		_, err := s.WorkSource(ctx(t), u.ID, "ical")
		wantErr(t, "WorkSource before any", err, lifeops.ErrNotFound)
		list, err := s.WorkSources(ctx(t), u.ID)
		must(t, "WorkSources before any", err)
		diff(t, "work sources before any", []lifeops.WorkSourceSettings{}, list)

		cal := settings(u.ID, "ical", 1, map[string]lifeops.Secret{"work": lifeops.NewSecret("https://cal.example/private-SECRET.ics"),
			"home-2": lifeops.NewSecret("webcal://x.example/p")})
		aw := settings(u.ID, "activitywatch", 1, nil)
		must(t, "PutWorkSource ical", s.PutWorkSource(ctx(t), cal))
		must(t, "PutWorkSource activitywatch", s.PutWorkSource(ctx(t), aw))
		got, err := s.WorkSource(ctx(t), u.ID, "ical")
		must(t, "WorkSource", err)
		diff(t, "ical settings", cal, got)
		checkUTC(t, "WorkSource", got.UpdatedAt)

		// A new version replaces the secrets whole.
		cal2 := settings(u.ID, "ical", 2, map[string]lifeops.Secret{"work": lifeops.NewSecret("https://cal.example/new.ics")})
		must(t, "PutWorkSource again", s.PutWorkSource(ctx(t), cal2))
		list, err = s.WorkSources(ctx(t), u.ID)
		must(t, "WorkSources", err)
		diff(t, "work sources, by source", []lifeops.WorkSourceSettings{aw, cal2}, list)

		must(t, "DeleteWorkSource", s.DeleteWorkSource(ctx(t), u.ID, "ical"))
		wantErr(t, "DeleteWorkSource twice", s.DeleteWorkSource(ctx(t), u.ID, "ical"), lifeops.ErrNotFound)
		_, err = s.WorkSource(ctx(t), u.ID, "ical")
		wantErr(t, "WorkSource after delete", err, lifeops.ErrNotFound)
		list, err = s.WorkSources(ctx(t), u.ID)
		must(t, "WorkSources after delete", err)
		diff(t, "work sources after delete", []lifeops.WorkSourceSettings{aw}, list)

		// What is read is a copy: changing it changes nothing stored.
		got, err = s.WorkSource(ctx(t), u.ID, "activitywatch")
		must(t, "WorkSource", err)
		got.Settings[0] = '['
		again, err := s.WorkSource(ctx(t), u.ID, "activitywatch")
		must(t, "WorkSource", err)
		diff(t, "settings after changing a copy", aw, again)
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad sources")
		for _, bad := range []lifeops.WorkSourceSettings{
			settings(u.ID, "", 1, nil),
			settings(u.ID, "manual", 1, nil),
			settings(u.ID, "Calendar", 1, nil),
			{UserID: u.ID, Source: "ical", Settings: json.RawMessage(`[1]`), Version: 1},
			{UserID: u.ID, Source: "ical", Settings: json.RawMessage(`{"a":`), Version: 1},
			settings(u.ID, "ical", 1, map[string]lifeops.Secret{"bad name": lifeops.NewSecret("x")}),
			settings(u.ID, "ical", 1, map[string]lifeops.Secret{"empty": {}}),
		} {
			wantErr(t, "PutWorkSource of bad settings", s.PutWorkSource(ctx(t), bad), lifeops.ErrInvalid)
		}
		list, err := s.WorkSources(ctx(t), u.ID)
		must(t, "WorkSources", err)
		diff(t, "work sources after refusals", []lifeops.WorkSourceSettings{}, list)
		ghost := uuid.New()
		wantErr(t, "PutWorkSource of an unknown user", s.PutWorkSource(ctx(t), settings(ghost, "ical", 1, nil)), lifeops.ErrNotFound)
		_, err = s.WorkSources(ctx(t), ghost)
		wantErr(t, "WorkSources of an unknown user", err, lifeops.ErrNotFound)
	})
	t.Run("GoWithTheUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Leaving")
		must(t, "PutWorkSource", s.PutWorkSource(ctx(t), settings(u.ID, "ical", 1, map[string]lifeops.Secret{"w": lifeops.NewSecret("https://a.example/b")})))
		must(t, "DeleteUser", s.DeleteUser(ctx(t), u.ID))
		_, err := s.WorkSource(ctx(t), u.ID, "ical")
		wantErr(t, "WorkSource of a deleted user", err, lifeops.ErrNotFound)
	})
}

package storetest

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// maxMessage is the longest error message a refused input may give: a
// message names the field and says what is wrong, and quotes at most a
// short prefix of the input.
const maxMessage = 600

// testRefused checks that every store refuses what the live path refuses,
// with an error matching ErrInvalid, a short message, and nothing written:
// control characters in titles, NUL bytes and text that is not UTF-8 in
// any string a record holds, and numbers whose exponent would take
// forever to compare or print. The rules live in the records' Validate
// methods, so every store that calls Validate agrees.
func testRefused(t *testing.T, s lifeops.Store) {
	d := civil.D(2026, 3, 10)
	long := strings.Repeat("z", 100_000)
	refused := func(t *testing.T, what string, err error) {
		t.Helper()
		if !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("%s: got %v, want an error matching ErrInvalid", what, err)
			return
		}
		if n := len(err.Error()); n > maxMessage {
			t.Errorf("%s: the message has %d bytes, want at most %d: %.200s…", what, n, maxMessage, err.Error())
		}
	}
	t.Run("Titles", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Titles")
		for _, title := range []string{"Stretch\x00", "Stretch\x01now", "Line\nbreak", "Tab\there", "Del\x7f", "C1\u0085", "bad\xff", long} {
			it := newItem(u.ID, title)
			what := name("CreateItem title %.20q", title)
			refused(t, what, s.CreateItem(ctx(t), it))
			_, err := s.Item(ctx(t), u.ID, it.ID)
			wantErr(t, what+": Item after the refusal", err, lifeops.ErrNotFound)
		}
		it := newItem(u.ID, "Stretch")
		must(t, "CreateItem", s.CreateItem(ctx(t), it))
		it.Title = "Stretch\x02"
		refused(t, "UpdateItem with a control character", s.UpdateItem(ctx(t), it))
		got, err := s.Item(ctx(t), u.ID, it.ID)
		must(t, "Item", err)
		if got.Title != "Stretch" {
			t.Errorf("title after a refused update = %q", got.Title)
		}
	})
	t.Run("SkipReasons", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Reasons")
		item := mustItem(t, s, u.ID, "Walk")
		for i, reason := range []string{"rain\x00", "caf\xe9", strings.Repeat("é", lifeops.MaxReasonLen+1)} {
			e := newEvent(u.ID, item, d.AddDays(i), lifeops.EventSkipped)
			e.Reason = reason
			_, _, err := s.AddEvent(ctx(t), e)
			refused(t, name("AddEvent reason %.20q", reason), err)
		}
		got, err := s.Events(ctx(t), u.ID, d, d.AddDays(5))
		must(t, "Events", err)
		if len(got) != 0 {
			t.Errorf("refused events were stored: %+v", got)
		}
	})
	t.Run("Sources", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Sources")
		ts := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)
		for _, src := range []string{"ring\x00", "ring\xff"} {
			refused(t, name("PutWorkDay source %q", src), s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: d, WorkMinutes: 60, Source: src}))
			refused(t, name("PutHeartRate source %q", src), s.PutHeartRate(ctx(t), u.ID, []lifeops.HeartRateSample{{At: ts, BPM: 60, Source: src}}))
			day := lifeops.HealthDay{UserID: u.ID, Date: d, Source: src, Steps: ptr(100)}
			refused(t, name("PutHealthDays source %q", src), s.PutHealthDays(ctx(t), []lifeops.HealthDay{day}))
		}
		w, err := s.WorkDays(ctx(t), u.ID, d, d)
		must(t, "WorkDays", err)
		hr, err := s.HeartRate(ctx(t), u.ID, ts, ts.Add(time.Second))
		must(t, "HeartRate", err)
		hd, err := s.HealthDays(ctx(t), u.ID, d, d)
		must(t, "HealthDays", err)
		if len(w)+len(hr)+len(hd) != 0 {
			t.Errorf("refused records were stored: %+v %+v %+v", w, hr, hd)
		}
	})
	t.Run("Keys", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Keys")
		for _, bad := range []string{"k\x00", "k\xff"} {
			_, _, err := s.AddXP(ctx(t), xpEntry(u.ID, "completion:"+bad, d, 5))
			refused(t, name("AddXP key %q", bad), err)
			e := xpEntry(u.ID, "completion:x", d, 5)
			e.Reason = "done " + bad
			_, _, err = s.AddXP(ctx(t), e)
			refused(t, name("AddXP reason %q", bad), err)
			_, _, err = s.UnlockAchievement(ctx(t), lifeops.Achievement{UserID: u.ID, Code: "first" + bad, Date: d, UnlockedAt: at(2026, 3, 10, 8, 0)})
			refused(t, name("UnlockAchievement code %q", bad), err)
			doc := lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "doc" + bad, Data: json.RawMessage(`{}`), FetchedAt: at(2026, 3, 10, 8, 0)}
			refused(t, name("PutRawDocuments id %q", bad), s.PutRawDocuments(ctx(t), []lifeops.RawDocument{doc}))
			c := lifeops.Credential{UserID: u.ID, Provider: "oura", ExternalID: "ext" + bad, AccessToken: lifeops.NewSecret("t")}
			refused(t, name("PutCredential external id %q", bad), s.PutCredential(ctx(t), c))
		}
		xp, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		ach, err := s.Achievements(ctx(t), u.ID)
		must(t, "Achievements", err)
		if len(xp)+len(ach) != 0 {
			t.Errorf("refused records were stored: %+v %+v", xp, ach)
		}
	})
	t.Run("HugeExponents", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Exponents")
		// Built, not parsed: decimal's parser caps exponents, but a value
		// can come from anywhere.
		for num, v := range map[string]decimal.Decimal{
			"1e999999999": decimal.New(1, 999_999_999), "-1e999999999": decimal.New(-1, 999_999_999),
			"1e-999999999": decimal.New(1, -999_999_999), "5000 digits": dec("1" + strings.Repeat("0", 5000)),
			"5000 places": dec("0." + strings.Repeat("0", 5000) + "1"),
		} {
			g := lifeops.DefaultGoals(u.ID)
			g.Weights.Sleep = v
			refused(t, name("PutGoals weight %.20s", num), s.PutGoals(ctx(t), g))
			sc := lifeops.DayScores{UserID: u.ID, Date: d, Life: &v, Sleep: &lifeops.DomainScore{Value: dec("50")}}
			refused(t, name("PutScores life %.20s", num), s.PutScores(ctx(t), sc))
			sc = lifeops.DayScores{UserID: u.ID, Date: d, Life: ptr(dec("50")), Sleep: &lifeops.DomainScore{Value: dec("50"),
				Contributors: []lifeops.Contributor{{Name: "x", Value: v, Weight: dec("1"), Effect: dec("1")}}}}
			refused(t, name("PutScores contributor %.20s", num), s.PutScores(ctx(t), sc))
		}
		sc, err := s.Scores(ctx(t), u.ID, d, d)
		must(t, "Scores", err)
		if len(sc) != 0 {
			t.Errorf("refused scores were stored: %d days", len(sc))
		}
	})
}

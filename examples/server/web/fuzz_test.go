package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
)

// FuzzSessionCookie: no cookie value panics, and only a value this
// dashboard sealed opens, to what was sealed.
func FuzzSessionCookie(f *testing.F) {
	d := &Dashboard{key: []byte("a key of the dashboard under test")}
	user, id := uuid.MustParse("11111111-2222-3333-4444-555555555555"), uuid.MustParse("66666666-7777-8888-9999-000000000000")
	exp := time.Unix(1_800_000_000, 0)
	good := d.sealSession(kindDevice, user, id, exp)
	for _, seed := range []string{good, good[:len(good)-1], good + "A", "", ".", "..", "AQ.AQ", good[:10] + "." + good[11:]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s, ok := d.openSession(v)
		if !ok {
			return
		}
		if v != good {
			// A forgery that verifies would need the key.
			t.Fatalf("%q opened as %+v", v, s)
		}
		if s.kind != kindDevice || s.user != user || s.id != id || !s.expires.Equal(exp) {
			t.Fatalf("the sealed session opened as %+v", s)
		}
	})
}

// FuzzItemForm: no item form panics; a form that reads without an error
// is an item the timeline accepts.
func FuzzItemForm(f *testing.F) {
	for _, seed := range []string{
		itemForm().Encode(),
		itemForm("schedule.type", "weekly", "schedule.days", "mon|fri", "schedule.interval", "2", "schedule.start_date", "2026-03-02").Encode(),
		itemForm("schedule.type", "monthly", "schedule.by", "week", "schedule.week", "-1", "schedule.weekday", "fri").Encode(),
		itemForm("schedule.type", "rrule", "schedule.rrule", "FREQ=DAILY;COUNT=3", "schedule.start_date", "2026-01-01").Encode(),
		itemForm("anchor.type", "wake", "offset_minutes", "-90", "anchor.times", "").Encode(),
		itemForm("anchor.times", "09:00, 12:00,15:00", "schedule.except_dates", "2026-01-01 2026-02-30").Encode(),
		"title=%00&schedule.type=once&schedule.date=0000-00-00&anchor.type=fixed&anchor.times=24:00",
		"schedule.type=yearly&schedule.month=13&schedule.day_of_month=99999999999999999999",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		it, err := itemOfForm(form)
		if err != nil {
			return
		}
		if verr := it.Item.Validate(); verr != nil {
			t.Fatalf("%q read without an error into an item the timeline refuses: %v", raw, verr)
		}
		if _, err := itemOfForm(formOfItem(it)); err != nil {
			t.Fatalf("%q: the item's own form does not read back: %v", raw, err)
		}
	})
}

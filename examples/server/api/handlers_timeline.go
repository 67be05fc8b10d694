package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func feed(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := queryDate(r, "date")
		if err != nil {
			return err
		}
		f, err := svc.Feed(r.Context(), userOf(r), d, timeline.View(r.URL.Query().Get("view")))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, f)
		return nil
	}
}

// itemFields are the fields an item request may send.
var itemFields = map[string]bool{
	"id": true, "title": true, "kind": true, "schedule": true, "anchor": true, "offset_minutes": true,
	"duration_minutes": true, "xp": true, "missed": true, "active_from": true, "active_until": true, "difficulty": true,
}

// decodeItem reads a new item: the item shape, no other field.
func decodeItem(w http.ResponseWriter, r *http.Request) (lifeops.Item, error) {
	var raw map[string]json.RawMessage
	if err := decode(w, r, DefaultBodyLimit, &raw); err != nil {
		return lifeops.Item{}, err
	}
	for k := range raw {
		if !itemFields[k] {
			return lifeops.Item{}, &lifeops.ValidationError{Field: k, Reason: "is not a field of this request"}
		}
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return lifeops.Item{}, err
	}
	var it lifeops.Item
	if err := json.Unmarshal(b, &it); err != nil {
		return lifeops.Item{}, jsonError(err)
	}
	return it, nil
}

func writeItem(w http.ResponseWriter, status int, it lifeops.Item) {
	w.Header().Set("ETag", etag(it.Version))
	if status == http.StatusCreated {
		w.Header().Set("Location", "/v1/me/timeline/items/"+it.ID.String())
	}
	writeJSON(w, status, it)
}

func createItem(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decodeItem(w, r)
		if err != nil {
			return err
		}
		it, err := svc.CreateItem(r.Context(), userOf(r), in)
		if err != nil {
			return err
		}
		writeItem(w, http.StatusCreated, it)
		return nil
	}
}

func listItems(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		its, err := svc.Items(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		if its == nil {
			its = []lifeops.Item{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": its})
		return nil
	}
}

func getItem(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		it, err := svc.Item(r.Context(), userOf(r), id)
		if err != nil {
			return err
		}
		writeItem(w, http.StatusOK, it)
		return nil
	}
}

func patchItem(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var up lifeops.ItemUpdate
		if err := decode(w, r, DefaultBodyLimit, &up); err != nil {
			return err
		}
		if up.IfVersion, err = ifMatch(r); err != nil {
			return err
		}
		it, err := svc.UpdateItem(r.Context(), userOf(r), id, up)
		if err != nil {
			return err
		}
		writeItem(w, http.StatusOK, it)
		return nil
	}
}

func deleteItem(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := svc.DeleteItem(r.Context(), userOf(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// optionalBody decodes the body into v when there is one.
func optionalBody(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, DefaultBodyLimit))
	if err != nil {
		return decode(w, r, DefaultBodyLimit, v) // reports the size error
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return decode(w, r, DefaultBodyLimit, v)
}

type completeBody struct {
	Date civil.Date `json:"date"`
	Slot int        `json:"slot"`
}

func complete(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in completeBody
		if err := optionalBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.Complete(r.Context(), userOf(r), id, in.Date, in.Slot)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

type skipBody struct {
	Date   civil.Date `json:"date"`
	Slot   int        `json:"slot"`
	Reason string     `json:"reason"`
}

func skip(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in skipBody
		if err := optionalBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.Skip(r.Context(), userOf(r), id, in.Date, in.Slot, in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

type postponeBody struct {
	Date    civil.Date `json:"date"`
	Slot    int        `json:"slot"`
	To      time.Time  `json:"to"`
	Minutes int        `json:"minutes"`
	ToDate  civil.Date `json:"to_date"`
}

func postpone(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in postponeBody
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		out, err := svc.Postpone(r.Context(), userOf(r), id, in.Date, in.Slot, lifeops.Postponement{To: in.To, Minutes: in.Minutes, ToDate: in.ToDate})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func undo(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		d, err := pathDate(r, "date")
		if err != nil {
			return err
		}
		slot, err := queryInt(r, "slot", 0, 0, timeline.MaxSlots-1)
		if err != nil {
			return err
		}
		out, err := svc.Undo(r.Context(), userOf(r), id, d, slot)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

// ---- the calendar feed

// Calendar-feed range: the days before and after today it covers in
// detail (measured anchors, postponements, skips); the series go on past
// it with their planned times.
const (
	calendarPastDays   = 30
	calendarFutureDays = 120
)

func calendarFeed(svc *lifeops.Service, now func() time.Time) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		user := userOf(r)
		u, err := svc.Profile(r.Context(), user)
		if err != nil {
			return err
		}
		from, err := queryDate(r, "from")
		if err != nil {
			return err
		}
		if from.IsZero() {
			loc, err := u.Location()
			if err != nil {
				return err
			}
			from = civil.DateOf(now().In(loc)).AddDays(-calendarPastDays)
		}
		days, err := queryInt(r, "days", calendarPastDays+calendarFutureDays, 1, lifeops.MaxTimelineRangeDays)
		if err != nil {
			return err
		}
		tr, err := svc.TimelineRange(r.Context(), user, from, from.AddDays(days-1))
		if err != nil {
			return err
		}
		body, err := ICS(tr, u, now())
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
		w.Header().Set("Content-Disposition", `inline; filename="lifeops.ics"`)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return nil
	}
}

type calendarTokenResponse struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

func rotateCalendar(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := optionalBody(w, r, &struct{}{}); err != nil {
			return err
		}
		tok := randomToken(calendarPrefix)
		if _, err := a.svc.RotateCalendarToken(r.Context(), userOf(r), hashToken(tok)); err != nil {
			return err
		}
		base := a.publicURL(r)
		writeJSON(w, http.StatusCreated, calendarTokenResponse{URL: base + "/v1/me/timeline.ics?token=" + tok, Token: tok})
		return nil
	}
}

// publicURL is the API's base URL: Config.PublicURL, or the request's.
func (a *API) publicURL(r *http.Request) string {
	if a.cfg.PublicURL != "" {
		return strings.TrimSuffix(a.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

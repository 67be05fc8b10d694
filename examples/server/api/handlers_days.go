package api

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// ---- health days

func healthDays(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		from, to, err := queryRange(r)
		if err != nil {
			return err
		}
		u, err := svc.Profile(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		loc, err := u.Location()
		if err != nil {
			return err
		}
		days, err := svc.HealthDays(r.Context(), u.ID, from, to)
		if err != nil {
			return err
		}
		out := make([]lifeops.HealthDayView, len(days))
		for i, d := range days {
			out[i] = d.View(loc)
		}
		writeJSON(w, http.StatusOK, map[string]any{"days": out})
		return nil
	}
}

func healthDay(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := pathDate(r, "date")
		if err != nil {
			return err
		}
		u, err := svc.Profile(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		loc, err := u.Location()
		if err != nil {
			return err
		}
		day, err := svc.HealthDay(r.Context(), u.ID, d)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, day.View(loc))
		return nil
	}
}

// ---- work

type workBody struct {
	WorkMinutes       int  `json:"work_minutes"`
	AfterHoursMinutes int  `json:"after_hours_minutes"`
	MeetingMinutes    *int `json:"meeting_minutes"`
	BreakMinutes      *int `json:"break_minutes"`
}

func putWork(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := pathDate(r, "date")
		if err != nil {
			return err
		}
		var in workBody
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		out, err := svc.PutWorkDay(r.Context(), userOf(r), lifeops.WorkDay{Date: d, WorkMinutes: in.WorkMinutes,
			AfterHoursMinutes: in.AfterHoursMinutes, MeetingMinutes: in.MeetingMinutes, BreakMinutes: in.BreakMinutes})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

func listWork(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		from, to, err := queryRange(r)
		if err != nil {
			return err
		}
		days, err := svc.WorkDays(r.Context(), userOf(r), from, to)
		if err != nil {
			return err
		}
		if days == nil {
			days = []lifeops.WorkDay{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"days": days})
		return nil
	}
}

// ---- scores and the game

func today(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := queryDate(r, "date")
		if err != nil {
			return err
		}
		t, err := svc.Today(r.Context(), userOf(r), d)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, t)
		return nil
	}
}

func scores(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		from, to, err := queryRange(r)
		if err != nil {
			return err
		}
		days, err := svc.Scores(r.Context(), userOf(r), from, to)
		if err != nil {
			return err
		}
		out := make([]lifeops.ScoresDay, len(days))
		for i, d := range days {
			out[i] = d.View()
		}
		writeJSON(w, http.StatusOK, map[string]any{"days": out})
		return nil
	}
}

// MaxPageLimit is the largest page of a paged listing.
const MaxPageLimit = 1000

func xp(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		from, err := queryDate(r, "from")
		if err != nil {
			return err
		}
		to, err := queryDate(r, "to")
		if err != nil {
			return err
		}
		limit, err := queryInt(r, "limit", 100, 1, MaxPageLimit)
		if err != nil {
			return err
		}
		offset, err := queryInt(r, "offset", 0, 0, 1<<30)
		if err != nil {
			return err
		}
		l, err := svc.XP(r.Context(), userOf(r), lifeops.XPQuery{From: from, To: to, Page: lifeops.Page{Offset: offset, Limit: limit}})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, l)
		return nil
	}
}

func achievements(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		as, err := svc.Achievements(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"achievements": as})
		return nil
	}
}

// ---- work-stats sources

// workSourceView is a person's settings for one source as the API shows
// them: the settings, and the names of the secrets that are set, never
// their values.
type workSourceView struct {
	Kind      string          `json:"kind"`
	Settings  json.RawMessage `json:"settings"`
	Secrets   []string        `json:"secrets"`
	Version   int64           `json:"version"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func viewWorkSource(ws lifeops.WorkSourceSettings) workSourceView {
	return workSourceView{Kind: ws.Source, Settings: ws.Settings, Secrets: slices.Sorted(maps.Keys(ws.Secrets)),
		Version: ws.Version, UpdatedAt: ws.UpdatedAt}
}

func getWorkSource(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		kind := r.PathValue("kind")
		if !slices.Contains(svc.WorkSourceNames(), kind) {
			return lifeops.Errorf(lifeops.CodeNotFound, "This server has no such work-stats source.")
		}
		ws, err := svc.WorkSource(r.Context(), userOf(r), kind)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, viewWorkSource(ws))
		return nil
	}
}

// putWorkSource stores the person's settings for a source, as they send
// them; the source checks them and its secrets (a calendar's feed URLs)
// are sealed and never shown again.
func putWorkSource(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var raw json.RawMessage
		if err := decode(w, r, lifeops.MaxWorkSourceSettings+1024, &raw); err != nil {
			return err
		}
		ws, err := svc.PutWorkSource(r.Context(), userOf(r), r.PathValue("kind"), raw)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, viewWorkSource(ws))
		return nil
	}
}

func deleteWorkSource(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := svc.DeleteWorkSource(r.Context(), userOf(r), r.PathValue("kind")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

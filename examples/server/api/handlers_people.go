package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// pathID parses the path wildcard name as a UUID; a malformed id is not
// found, like an id of another person's.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, lifeops.Errorf(lifeops.CodeNotFound, "Not found.")
	}
	return id, nil
}

// pathDate parses the path wildcard name as a date.
func pathDate(r *http.Request, name string) (civil.Date, error) {
	d, err := civil.ParseDate(r.PathValue(name))
	if err != nil {
		return civil.Date{}, &lifeops.ValidationError{Field: name, Reason: "must be a date YYYY-MM-DD", Err: err}
	}
	return d, nil
}

// queryDate parses the query parameter name as a date; empty gives zero.
func queryDate(r *http.Request, name string) (civil.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return civil.Date{}, nil
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		return civil.Date{}, &lifeops.ValidationError{Field: name, Reason: "must be a date YYYY-MM-DD", Err: err}
	}
	return d, nil
}

// queryRange parses from and to, both required.
func queryRange(r *http.Request) (civil.Date, civil.Date, error) {
	from, err1 := queryDate(r, "from")
	to, err2 := queryDate(r, "to")
	if err1 != nil {
		return from, to, err1
	}
	if err2 != nil {
		return from, to, err2
	}
	if from.IsZero() || to.IsZero() {
		return from, to, &lifeops.ValidationError{Field: "from", Reason: "from and to are required (YYYY-MM-DD)"}
	}
	return from, to, nil
}

// queryInt parses the query parameter name as an integer in [lo, hi]; def
// when absent.
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, &lifeops.ValidationError{Field: name, Reason: "must be a whole number from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)}
	}
	return n, nil
}

// etag is the entity tag of a record at version v.
func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// ifMatch reads If-Match as a version: 0 when absent or "*". A malformed
// value is a precondition that cannot hold.
func ifMatch(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.TrimPrefix(v, "W/")
	n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64)
	if err != nil || n < 1 {
		return 0, &lifeops.StaleError{What: "record", Want: 0, Current: 0}
	}
	return n, nil
}

// ---- people and devices

func createUser(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in lifeops.NewUser
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		u, err := svc.CreateUser(r.Context(), in)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/v1/users/"+u.ID.String())
		writeJSON(w, http.StatusCreated, u)
		return nil
	}
}

type deviceRequest struct {
	Name string `json:"name"`
}

func createDevice(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		var in deviceRequest
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		g, err := a.svc.CreateDevice(r.Context(), id, in.Name, a.refreshHash)
		if err != nil {
			return err
		}
		out, err := a.grant(g)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, out)
		return nil
	}
}

type pairingResponse struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

func createPairingCode(svc *lifeops.Service, now func() time.Time) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.ContentLength != 0 {
			var in struct{}
			if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
				return err
			}
		}
		code := newPairingCode()
		c, err := svc.CreatePairingCode(r.Context(), userOf(r), pairingHash(code))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, pairingResponse{Code: code, ExpiresAt: c.ExpiresAt})
		return nil
	}
}

type pairRequest struct {
	Code       string `json:"code"`
	DeviceName string `json:"device_name"`
}

func pair(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in pairRequest
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		if in.Code == "" || len(in.Code) > 64 {
			return &lifeops.ValidationError{Field: "code", Reason: "is required: the code the person's device shows"}
		}
		g, err := a.svc.Pair(r.Context(), pairingHash(in.Code), in.DeviceName, a.refreshHash)
		if err != nil {
			return err
		}
		out, err := a.grant(g)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, out)
		return nil
	}
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func refresh(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in refreshRequest
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		if !strings.HasPrefix(in.RefreshToken, refreshPrefix) || len(in.RefreshToken) > maxTokenLen {
			return errorf(string(lifeops.CodeUnauthorized), "The refresh token is not valid; sign the device in again.")
		}
		g, err := a.svc.RefreshDevice(r.Context(), hashToken(in.RefreshToken), a.refreshHash)
		if err != nil {
			return err
		}
		out, err := a.grant(g)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

type deviceView struct {
	lifeops.Device
	Current bool `json:"current"`
}

func listDevices(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ds, err := svc.Devices(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		p, _ := r.Context().Value(userKey{}).(*principal)
		out := make([]deviceView, len(ds))
		for i, d := range ds {
			out[i] = deviceView{Device: d, Current: p != nil && p.device == d.ID}
		}
		writeJSON(w, http.StatusOK, map[string]any{"devices": out})
		return nil
	}
}

func deleteDevice(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := svc.DeleteDevice(r.Context(), userOf(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

type tokenRequest struct {
	Name          string        `json:"name"`
	Scope         lifeops.Scope `json:"scope"`
	ExpiresInDays int           `json:"expires_in_days"`
}

type tokenResponse struct {
	lifeops.PersonalToken
	Token string `json:"token"` // shown once
}

func createToken(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tokenRequest
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		tok := randomToken(personalPrefix)
		t, err := svc.CreatePersonalToken(r.Context(), userOf(r), lifeops.NewPersonalToken{
			Name: in.Name, Scope: in.Scope, ExpiresInDays: in.ExpiresInDays, Hash: hashToken(tok)})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, tokenResponse{PersonalToken: t, Token: tok})
		return nil
	}
}

func listTokens(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ts, err := svc.PersonalTokens(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
		return nil
	}
}

func deleteToken(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := svc.DeletePersonalToken(r.Context(), userOf(r), id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// ---- profile and goals

func getProfile(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := svc.Profile(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		w.Header().Set("ETag", etag(u.Version))
		writeJSON(w, http.StatusOK, u)
		return nil
	}
}

func putProfile(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var up lifeops.ProfileUpdate
		if err := decode(w, r, DefaultBodyLimit, &up); err != nil {
			return err
		}
		v, err := ifMatch(r)
		if err != nil {
			return err
		}
		up.IfVersion = v
		u, err := svc.UpdateProfile(r.Context(), userOf(r), up)
		if err != nil {
			return err
		}
		w.Header().Set("ETag", etag(u.Version))
		writeJSON(w, http.StatusOK, u)
		return nil
	}
}

// goalsBody is the goals as a request sends them: every field but the
// time they were stored.
type goalsBody struct {
	SleepMinutes      int                   `json:"sleep_minutes"`
	Steps             int                   `json:"steps"`
	WorkMinutes       int                   `json:"work_minutes"`
	AfterHoursMinutes int                   `json:"after_hours_minutes"`
	RestingHeartRate  int                   `json:"resting_heart_rate"`
	DayGoalPercent    int                   `json:"day_goal_percent"`
	Weights           lifeops.DomainWeights `json:"weights"`
}

func getGoals(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		g, err := svc.Goals(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, g)
		return nil
	}
}

func putGoals(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in goalsBody
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		g, err := svc.PutGoals(r.Context(), userOf(r), lifeops.Goals{
			SleepMinutes: in.SleepMinutes, Steps: in.Steps, WorkMinutes: in.WorkMinutes, AfterHoursMinutes: in.AfterHoursMinutes,
			RestingHeartRate: in.RestingHeartRate, DayGoalPercent: in.DayGoalPercent, Weights: in.Weights})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, g)
		return nil
	}
}

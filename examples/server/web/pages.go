package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// ---- achievements

type achievementsView struct {
	pageBase
	Unlocked, Locked []achievementRow
}

type achievementRow struct {
	Code, Title, Description string
	Current, Target, Percent int
	On, OnISO                string
}

func (d *Dashboard) achievementsPage(w http.ResponseWriter, r *http.Request, s *session) error {
	all, err := d.svc.Achievements(r.Context(), s.user)
	if err != nil {
		return err
	}
	v := &achievementsView{pageBase: d.base(w, r, s, "Achievements", "achievements")}
	for _, a := range all {
		row := achievementRow{Code: a.Code, Title: a.Title, Description: a.Description, Current: min(a.Current, a.Target),
			Target: a.Target, Percent: a.Percent}
		if a.Unlocked {
			row.On, row.OnISO = longDate(a.UnlockedOn), a.UnlockedOn.String()
			v.Unlocked = append(v.Unlocked, row)
		} else {
			v.Locked = append(v.Locked, row)
		}
	}
	return d.render(w, r, http.StatusOK, "achievements", v)
}

// ---- profile, goals and the clock

type profileView struct {
	pageBase
	Val     map[string]string
	Clock12 bool
	Errors  []fieldError
	ErrFor  map[string]string
	Form    string // the form the errors are about: profile or goals
}

func (d *Dashboard) profileView(w http.ResponseWriter, r *http.Request, s *session, form url.Values, which string, errs error) (*profileView, error) {
	v := &profileView{pageBase: d.base(w, r, s, "Profile and goals", "profile"), Val: map[string]string{}, ErrFor: map[string]string{},
		Clock12: s.clock12, Form: which}
	u := s.profile
	v.Val["name"], v.Val["timezone"] = u.Name, u.Zone
	v.Val["day_start_hour"] = strconv.Itoa(u.DayStartHour)
	v.Val["wake_time"], v.Val["bedtime"] = u.WakeTime.String(), u.Bedtime.String()
	v.Val["version"] = strconv.FormatInt(u.Version, 10)
	g, err := d.svc.Goals(r.Context(), s.user)
	if err != nil {
		return nil, err
	}
	for k, n := range map[string]int{"sleep_minutes": g.SleepMinutes, "steps": g.Steps, "work_minutes": g.WorkMinutes,
		"after_hours_minutes": g.AfterHoursMinutes, "resting_heart_rate": g.RestingHeartRate, "day_goal_percent": g.DayGoalPercent} {
		v.Val[k] = strconv.Itoa(n)
	}
	v.Val["weights.sleep"], v.Val["weights.activity"] = g.Weights.Sleep.String(), g.Weights.Activity.String()
	v.Val["weights.work_life"], v.Val["weights.habits"] = g.Weights.WorkLife.String(), g.Weights.Habits.String()
	for k := range form {
		if _, ok := v.Val[k]; ok {
			v.Val[k] = form.Get(k)
		}
	}
	for _, fe := range lifeops.FieldErrors(errs) {
		if _, ok := v.ErrFor[fe.Field]; !ok {
			v.ErrFor[fe.Field] = fe.Reason
		}
		v.Errors = append(v.Errors, fieldError{Field: fe.Field, Message: fe.Reason, Href: "#f-" + fieldID(fe.Field), Label: humanize(fe.Field)})
	}
	if errs != nil && len(v.Errors) == 0 {
		_, msg := statusOf(errs)
		v.Errors = append(v.Errors, fieldError{Message: msg})
	}
	return v, nil
}

func (d *Dashboard) profilePage(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := d.profileView(w, r, s, nil, "", nil)
	if err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "profile", v)
}

// formInt reads a whole number of the form, reporting a bad one.
func formInt(f url.Values, name string, errs *[]error) int {
	n, err := strconv.Atoi(strings.TrimSpace(f.Get(name)))
	if err != nil {
		*errs = append(*errs, &lifeops.ValidationError{Field: name, Reason: "must be a whole number"})
	}
	return n
}

// formClock reads a time of day of the form.
func formClock(f url.Values, name string, errs *[]error) civil.Clock {
	c, err := civil.ParseClock(strings.TrimSpace(f.Get(name)))
	if err != nil {
		*errs = append(*errs, &lifeops.ValidationError{Field: name, Reason: "must be a time of day such as 07:30"})
	}
	return c
}

// saveProfile updates the profile at the version the form was made from.
func (d *Dashboard) saveProfile(w http.ResponseWriter, r *http.Request, s *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	var errs []error
	name, zone := strings.TrimSpace(f.Get("name")), strings.TrimSpace(f.Get("timezone"))
	hour := formInt(f, "day_start_hour", &errs)
	wake, bed := formClock(f, "wake_time", &errs), formClock(f, "bedtime", &errs)
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil || version < 1 {
		errs = append(errs, &lifeops.ValidationError{Field: "version", Reason: "is missing: load the page again"})
	}
	err = errors.Join(errs...)
	if err == nil {
		_, err = d.svc.UpdateProfile(r.Context(), s.user, lifeops.ProfileUpdate{Name: &name, Zone: &zone, DayStartHour: &hour,
			WakeTime: &wake, Bedtime: &bed, IfVersion: version})
	}
	if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
		v, verr := d.profileView(w, r, s, f, "profile", err)
		if verr != nil {
			return verr
		}
		return d.render(w, r, http.StatusBadRequest, "profile", v)
	} else if err != nil {
		return err
	}
	d.flash(w, r, "Profile saved.")
	http.Redirect(w, r, Prefix+"profile", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) saveGoals(w http.ResponseWriter, r *http.Request, s *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	var errs []error
	g := lifeops.Goals{
		SleepMinutes: formInt(f, "sleep_minutes", &errs), Steps: formInt(f, "steps", &errs),
		WorkMinutes: formInt(f, "work_minutes", &errs), AfterHoursMinutes: formInt(f, "after_hours_minutes", &errs),
		DayGoalPercent: formInt(f, "day_goal_percent", &errs),
	}
	if v := strings.TrimSpace(f.Get("resting_heart_rate")); v != "" {
		g.RestingHeartRate = formInt(f, "resting_heart_rate", &errs)
	}
	for _, wt := range []struct {
		name string
		to   *decimal.Decimal
	}{{"weights.sleep", &g.Weights.Sleep}, {"weights.activity", &g.Weights.Activity},
		{"weights.work_life", &g.Weights.WorkLife}, {"weights.habits", &g.Weights.Habits}} {
		dv, err := decimal.NewFromString(strings.TrimSpace(f.Get(wt.name)))
		if err != nil {
			errs = append(errs, &lifeops.ValidationError{Field: wt.name, Reason: "must be a number from 0 to 100"})
		}
		*wt.to = dv
	}
	err := errors.Join(errs...)
	if err == nil {
		_, err = d.svc.PutGoals(r.Context(), s.user, g)
	}
	if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
		v, verr := d.profileView(w, r, s, f, "goals", err)
		if verr != nil {
			return verr
		}
		return d.render(w, r, http.StatusBadRequest, "profile", v)
	} else if err != nil {
		return err
	}
	d.flash(w, r, "Goals saved; the days are counted again with them.")
	http.Redirect(w, r, Prefix+"profile", http.StatusSeeOther)
	return nil
}

// savePreferences keeps this browser's clock: 24-hour unless 12 is
// chosen. It is the browser's, not the person's, so it needs no write
// scope.
func (d *Dashboard) savePreferences(w http.ResponseWriter, r *http.Request, s *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	switch r.PostFormValue("clock") {
	case "12":
		d.setCookie(w, r, clockCookie, "12", 400*24*3600)
	case "24":
		d.clearCookie(w, r, clockCookie)
	default:
		return &lifeops.ValidationError{Field: "clock", Reason: "must be 12 or 24"}
	}
	d.flash(w, r, "Clock saved for this browser.")
	http.Redirect(w, r, back(r, Prefix+"profile"), http.StatusSeeOther)
	return nil
}

// ---- devices and tokens

type devicesView struct {
	pageBase
	Devices []accessRow
	Tokens  []accessRow
	Code    string // a pairing code just made
	Expires string
}

type accessRow struct {
	ID, Name, Detail, Created, LastUsed, Expires string
	Current, Revoked                             bool
}

// when writes an instant as the person reads it: "10 Mar 2026, 10:30".
func (s *session) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt := t.In(s.loc)
	return fmt.Sprintf("%d %s %d, %s", lt.Day(), lt.Month().String()[:3], lt.Year(), s.clock(t))
}

func (d *Dashboard) devicesView(w http.ResponseWriter, r *http.Request, s *session) (*devicesView, error) {
	ctx := r.Context()
	devs, err := d.svc.Devices(ctx, s.user)
	if err != nil {
		return nil, err
	}
	toks, err := d.svc.PersonalTokens(ctx, s.user)
	if err != nil {
		return nil, err
	}
	v := &devicesView{pageBase: d.base(w, r, s, "Devices", "devices")}
	for _, dv := range devs {
		v.Devices = append(v.Devices, accessRow{ID: dv.ID.String(), Name: dv.Name, Created: s.when(dv.CreatedAt),
			LastUsed: s.when(dv.LastUsedAt), Revoked: dv.Revoked(), Current: s.kind == kindDevice && s.id == dv.ID})
	}
	now := d.now()
	for _, t := range toks {
		if t.Expired(now) {
			continue
		}
		row := accessRow{ID: t.ID.String(), Name: t.Name, Detail: string(t.Scope), Created: s.when(t.CreatedAt),
			Expires: s.when(t.ExpiresAt), Current: s.kind == kindToken && s.id == t.ID}
		if t.Scope == lifeops.ScopeCalendar {
			row.Detail = "calendar feed"
		}
		v.Tokens = append(v.Tokens, row)
	}
	return v, nil
}

func (d *Dashboard) devicesPage(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := d.devicesView(w, r, s)
	if err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "devices", v)
}

// pairDevice makes a pairing code and shows it once, on the page it
// answers with.
func (d *Dashboard) pairDevice(w http.ResponseWriter, r *http.Request, s *session) error {
	code, expires, err := d.cfg.API.NewPairingCode(r.Context(), s.user)
	if err != nil {
		return err
	}
	v, err := d.devicesView(w, r, s)
	if err != nil {
		return err
	}
	v.Code, v.Expires = code, s.clock(expires)
	v.Path = Prefix + "devices"
	return d.render(w, r, http.StatusOK, "devices", v)
}

// revoke signs a device out, or revokes a personal token; revoking the
// session's own ends it.
func (d *Dashboard) revoke(token bool) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, s *session) error {
		id, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			return errNotFound
		}
		what := "Device signed out."
		if token {
			err, what = d.svc.DeletePersonalToken(r.Context(), s.user, id), "Token revoked."
		} else {
			err = d.svc.DeleteDevice(r.Context(), s.user, id)
		}
		if err != nil {
			return err
		}
		if id == s.id {
			d.clearCookie(w, r, sessionCookie)
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return nil
		}
		d.flash(w, r, what)
		http.Redirect(w, r, Prefix+"devices", http.StatusSeeOther)
		return nil
	}
}

// ---- Oura

// CredentialReader reads a person's stored connection to a provider
// (store.DB and memstore implement it); the dashboard shows whether Oura
// is connected, never the tokens.
type CredentialReader interface {
	Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error)
}

type ouraView struct {
	pageBase
	Known, Connected bool // whether the connection is known, and is there
	Since, Expiry    string
	CanConsent       bool // an Oura application is configured
	CanPaste         bool // a token may be pasted
	Kinds            []syncRow
	CanBackfill      bool
	Backfill         *backfillView
	BackfillFrom     string // the form's default
}

type syncRow struct {
	Kind, Through, Behind, Next string
}

type backfillView struct {
	From, To             string
	Done, Total, Percent int
	Running              bool
	Error                string
}

func (d *Dashboard) ouraPage(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	v := &ouraView{pageBase: d.base(w, r, s, "Oura", "oura"), CanConsent: d.cfg.API.OuraConsentURL(s.user) != "",
		CanPaste: d.cfg.Oura != nil, CanBackfill: d.cfg.Jobs != nil}
	if d.cfg.Credentials != nil {
		c, err := d.cfg.Credentials.Credential(ctx, s.user, lifeops.ProviderOura)
		switch {
		case err == nil:
			v.Known, v.Connected, v.Since = true, true, s.when(c.UpdatedAt)
			if !c.Expiry.IsZero() {
				v.Expiry = s.when(c.Expiry)
			}
		case errors.Is(err, lifeops.ErrNotFound):
			v.Known = true
		default:
			return err
		}
	}
	st, err := d.svc.SyncStatus(ctx, s.user)
	if err != nil {
		return err
	}
	for _, k := range st {
		row := syncRow{Kind: humanize(string(k.Kind)), Through: "never", Behind: "–"}
		if !k.Through.IsZero() {
			row.Through = shortDate(k.Through)
		}
		if k.DaysBehind != nil {
			row.Behind = strconv.Itoa(*k.DaysBehind) + " " + plural(*k.DaysBehind, "day", "days")
		}
		if !k.Next.From.IsZero() {
			row.Next = shortDate(k.Next.From) + " – " + shortDate(k.Next.To)
		}
		v.Kinds = append(v.Kinds, row)
	}
	if d.cfg.Jobs != nil {
		if b := d.cfg.Jobs.Backfills(s.user); b != nil {
			v.Backfill = backfillOf(*b)
		}
	}
	if today, err := d.svc.Today(ctx, s.user, civil.Date{}); err == nil {
		v.BackfillFrom = today.Date.AddDays(-365).String()
	}
	return d.render(w, r, http.StatusOK, "oura", v)
}

func backfillOf(b api.BackfillStatus) *backfillView {
	bv := &backfillView{From: shortDate(b.From), To: shortDate(b.To), Done: b.ChunksDone, Total: b.ChunksTotal,
		Running: b.Running, Error: b.LastError}
	if b.ChunksTotal > 0 {
		bv.Percent = b.ChunksDone * 100 / b.ChunksTotal
	}
	return bv
}

// ouraConnect sends the browser to Oura's consent page.
func (d *Dashboard) ouraConnect(w http.ResponseWriter, r *http.Request, s *session) error {
	u := d.cfg.API.OuraConsentURL(s.user)
	if u == "" {
		return lifeops.Errorf(lifeops.CodeUnavailable, "No Oura application is configured on this server; paste a personal access token instead.")
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
	return nil
}

// ouraToken stores an Oura personal access token the person pasted.
func (d *Dashboard) ouraToken(w http.ResponseWriter, r *http.Request, s *session) error {
	if d.cfg.Oura == nil {
		return lifeops.Errorf(lifeops.CodeUnavailable, "Oura is not configured on this server.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if tok == "" || len(tok) > 4096 {
		return &lifeops.ValidationError{Field: "token", Reason: "is required: the personal access token from Oura (at most 4096 characters)"}
	}
	if _, err := d.cfg.Oura.Connect(r.Context(), s.user, &oauth2.Token{AccessToken: tok, TokenType: "Bearer"}); err != nil {
		return err
	}
	d.flash(w, r, "Oura connected.")
	http.Redirect(w, r, Prefix+"oura", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) ouraDisconnect(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := d.svc.Disconnect(r.Context(), s.user, lifeops.ProviderOura); err != nil && !errors.Is(err, lifeops.ErrNotFound) {
		return err
	}
	d.flash(w, r, "Oura disconnected; the data synced stays.")
	http.Redirect(w, r, Prefix+"oura", http.StatusSeeOther)
	return nil
}

// ouraSync syncs now: each kind from where it stands.
func (d *Dashboard) ouraSync(w http.ResponseWriter, r *http.Request, s *session) error {
	res, err := d.svc.Sync(r.Context(), s.user, lifeops.SyncRequest{})
	if err != nil && res.Counts == nil {
		return err
	}
	total := 0
	for _, n := range res.Counts {
		total += n
	}
	msg := fmt.Sprintf("Synced %d %s", total, plural(total, "record", "records"))
	if !res.From.IsZero() {
		msg += " from " + shortDate(res.From) + " to " + shortDate(res.To)
	}
	msg += "."
	if res.Partial || err != nil {
		var kinds []string
		for _, e := range res.Errors {
			kinds = append(kinds, humanize(string(e.Kind)))
		}
		msg += " Some kinds failed (" + strings.Join(kinds, ", ") + "); the next sync goes on from where they stopped."
		if errors.Is(err, lifeops.ErrUnauthorized) {
			msg += " Oura refused the connection: connect Oura again."
		}
	}
	d.flash(w, r, msg)
	http.Redirect(w, r, Prefix+"oura", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) ouraBackfill(w http.ResponseWriter, r *http.Request, s *session) error {
	if d.cfg.Jobs == nil {
		return lifeops.Errorf(lifeops.CodeUnavailable, "Background jobs are not running on this server.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	from, err := civil.ParseDate(strings.TrimSpace(r.PostFormValue("start_date")))
	if err != nil {
		return &lifeops.ValidationError{Field: "start_date", Reason: "must be a date YYYY-MM-DD", Err: err}
	}
	b, err := d.cfg.Jobs.Backfill(r.Context(), s.user, from)
	if err != nil {
		return err
	}
	d.flash(w, r, fmt.Sprintf("Backfill started: %s to %s in %d %s.", shortDate(b.From), shortDate(b.To), b.ChunksTotal, plural(b.ChunksTotal, "chunk", "chunks")))
	http.Redirect(w, r, Prefix+"oura", http.StatusSeeOther)
	return nil
}

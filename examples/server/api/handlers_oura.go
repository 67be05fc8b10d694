package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
)

var errNoOura = errorf(string(lifeops.CodeUnavailable), "Oura is not configured on this server.")

func syncOura(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in lifeops.SyncRequest
		if err := optionalBody(w, r, &in); err != nil {
			return err
		}
		res, err := a.svc.Sync(r.Context(), userOf(r), in)
		a.metrics.observeSync(res)
		if err != nil {
			if res.Counts != nil && errors.Is(err, lifeops.ErrUnauthorized) {
				// Oura refused the person's credential, not the caller's
				// token: the request conflicts with the connection's state.
				return lifeops.WrapError(lifeops.CodeConflict, err, "Oura refused the stored connection: connect Oura again.")
			}
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}

type syncStatusResponse struct {
	Kinds    []lifeops.SyncStatus `json:"kinds"`
	Backfill *BackfillStatus      `json:"backfill"`
}

func syncStatus(svc *lifeops.Service, jobs Jobs) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		st, err := svc.SyncStatus(r.Context(), userOf(r))
		if err != nil {
			return err
		}
		out := syncStatusResponse{Kinds: st}
		if jobs != nil {
			out.Backfill = jobs.Backfills(userOf(r))
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
}

type backfillBody struct {
	StartDate civil.Date `json:"start_date"`
}

func backfill(jobs Jobs) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in backfillBody
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		if in.StartDate.IsZero() {
			return &lifeops.ValidationError{Field: "start_date", Reason: "is required (YYYY-MM-DD)"}
		}
		if jobs == nil {
			return errorf(string(lifeops.CodeUnavailable), "Background jobs are not running on this server.")
		}
		st, err := jobs.Backfill(r.Context(), userOf(r), in.StartDate)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusAccepted, st)
		return nil
	}
}

// stateLifetime is how long an OAuth state value is good for.
const stateLifetime = 15 * time.Minute

// newState returns an OAuth state naming the person, signed, expiring.
func (a *API) newState(user uuid.UUID) string {
	payload := make([]byte, 0, 32)
	payload = append(payload, user[:]...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(a.now().Add(stateLifetime).Unix()))
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	payload = append(payload, nonce[:]...)
	m := hmac.New(sha256.New, a.state)
	m.Write(payload)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkState returns the person an OAuth state names, when it is this
// server's and current.
func (a *API) checkState(s string) (uuid.UUID, error) {
	bad := lifeops.Errorf(lifeops.CodeInvalid, "The OAuth state is not valid or has expired; connect again.")
	p, sig, ok := strings.Cut(s, ".")
	if !ok || len(s) > 200 {
		return uuid.Nil, bad
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(payload) != 32 {
		return uuid.Nil, bad
	}
	m := hmac.New(sha256.New, a.state)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return uuid.Nil, bad
	}
	if exp := time.Unix(int64(binary.BigEndian.Uint64(payload[16:24])), 0); !a.now().Before(exp) {
		return uuid.Nil, bad
	}
	id, _ := uuid.FromBytes(payload[:16])
	return id, nil
}

type connectResponse struct {
	AuthorizeURL string `json:"authorize_url"`
}

func ouraConnect(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if a.cfg.Oura == nil || a.cfg.Oura.OAuth == nil {
			return errNoOura
		}
		u := a.cfg.Oura.OAuth.AuthCodeURL(a.newState(userOf(r)))
		w.Header().Set("Location", u)
		writeJSON(w, http.StatusFound, connectResponse{AuthorizeURL: u})
		return nil
	}
}

type connectionResponse struct {
	Provider   string    `json:"provider"`
	ExternalID string    `json:"external_id,omitempty"`
	Expiry     time.Time `json:"expiry,omitzero"`
	Scopes     []string  `json:"scopes"`
}

func connection(c lifeops.Credential) connectionResponse {
	scopes := c.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return connectionResponse{Provider: c.Provider, ExternalID: c.ExternalID, Expiry: c.Expiry, Scopes: scopes}
}

func ouraCallback(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if a.cfg.Oura == nil || a.cfg.Oura.OAuth == nil {
			return errNoOura
		}
		q := r.URL.Query()
		if e := q.Get("error"); e != "" {
			return lifeops.Errorf(lifeops.CodeInvalid, "Oura did not grant access (%s).", safeWord(e))
		}
		user, err := a.checkState(q.Get("state"))
		if err != nil {
			return err
		}
		code := q.Get("code")
		if code == "" || len(code) > 2048 {
			return &lifeops.ValidationError{Field: "code", Reason: "is required"}
		}
		tok, err := a.cfg.Oura.OAuth.Exchange(r.Context(), code)
		if err != nil {
			return lifeops.WrapError(lifeops.CodeUnavailable, err, "Oura did not accept the authorization code; connect again.")
		}
		c, err := a.cfg.Oura.Connector.Connect(r.Context(), user, tok)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, connection(c))
		return nil
	}
}

// safeWord keeps the letters, digits and underscores of an OAuth error
// code, at most 40 of them.
func safeWord(s string) string {
	out := strings.Map(func(r rune) rune {
		if r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			return r
		}
		return -1
	}, s)
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

func ouraWebhook(a *API) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if a.webhook == nil {
			return errNoOura
		}
		a.webhook.ServeHTTP(w, r)
		return nil
	}
}

// onWebhook routes a verified Oura event to its person and syncs them in
// the background. An event about nobody LifeOps knows is acknowledged.
func (a *API) onWebhook(ctx context.Context, e *oura.WebhookEvent) error {
	user, err := a.cfg.Oura.Connector.UserOf(ctx, e)
	if errors.Is(err, lifeops.ErrNotFound) || errors.Is(err, lifeops.ErrInvalid) {
		a.log.LogAttrs(ctx, slog.LevelInfo, "webhook event for nobody known", slog.String("data_type", string(e.DataType)))
		return nil
	}
	if err != nil {
		return err
	}
	if a.cfg.Jobs != nil {
		a.cfg.Jobs.SyncSoon(user)
	}
	return nil
}

type connectionBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
}

func putConnection(o *Oura) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in connectionBody
		if err := decode(w, r, DefaultBodyLimit, &in); err != nil {
			return err
		}
		if in.AccessToken == "" || len(in.AccessToken) > 4096 || len(in.RefreshToken) > 4096 {
			return &lifeops.ValidationError{Field: "access_token", Reason: "is required (at most 4096 bytes)"}
		}
		if in.ExpiresIn < 0 || in.ExpiresIn > 10*365*24*3600 {
			return &lifeops.ValidationError{Field: "expires_in", Reason: "must be seconds from 0 to ten years"}
		}
		if o == nil {
			return errNoOura
		}
		tok := &oauth2.Token{AccessToken: in.AccessToken, RefreshToken: in.RefreshToken, TokenType: "Bearer"}
		if in.ExpiresIn > 0 {
			tok.Expiry = time.Now().Add(time.Duration(in.ExpiresIn) * time.Second)
		}
		c, err := o.Connector.Connect(r.Context(), userOf(r), tok)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, connection(c))
		return nil
	}
}

func deleteConnection(svc *lifeops.Service) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := svc.Disconnect(r.Context(), userOf(r), lifeops.ProviderOura); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

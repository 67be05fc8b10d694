package ouratest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Webhook event and data types Oura names.
func eventTypes() []string { return []string{"create", "update", "delete"} }

func dataTypes() []string {
	return []string{"tag", "enhanced_tag", "workout", "session", "sleep", "daily_sleep", "daily_readiness",
		"daily_activity", "daily_spo2", "sleep_time", "rest_mode_period", "ring_configuration", "daily_stress",
		"daily_cardiovascular_age", "daily_resilience", "vo2_max", "meal"}
}

type subscription struct {
	id, clientID      string
	callbackURL       string
	eventType         string
	dataType          string
	verificationToken string
	expiry            time.Time
}

func (sub *subscription) model() webhookSubscription {
	return webhookSubscription{
		ID:             sub.id,
		CallbackURL:    sub.callbackURL,
		EventType:      sub.eventType,
		DataType:       sub.dataType,
		ExpirationTime: sub.expiry.UTC().Format("2006-01-02T15:04:05.000000+00:00"),
	}
}

// clientAuth checks the x-client-id and x-client-secret headers. On failure
// it has answered 403 and returns "".
func (s *Server) clientAuth(w http.ResponseWriter, r *http.Request) string {
	id, secret := r.Header.Get("X-Client-Id"), r.Header.Get("X-Client-Secret")
	if id == "" || secret == "" {
		writeJSON(w, http.StatusForbidden, detail("Not authenticated"))
		return ""
	}
	want, ok := s.cfg.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		writeJSON(w, http.StatusForbidden, detail("Invalid client credentials"))
		return ""
	}
	return id
}

func (s *Server) handleListSubscriptions(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	s.mu.Lock()
	out := []webhookSubscription{}
	for _, id := range s.subOrder {
		if sub := s.subs[id]; sub.clientID == client {
			out = append(out, sub.model())
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// subscriptionBody is the body of create and update requests; nil fields
// were absent or null.
type subscriptionBody struct {
	CallbackURL       *string `json:"callback_url"`
	VerificationToken *string `json:"verification_token"`
	EventType         *string `json:"event_type"`
	DataType          *string `json:"data_type"`
}

// readSubscriptionBody decodes and checks a create (all fields required) or
// update (verification_token required) body. On failure it has answered 422.
func readSubscriptionBody(w http.ResponseWriter, r *http.Request, create bool) (subscriptionBody, bool) {
	var b subscriptionBody
	data, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(data, &b)
	}
	var errs []validationError
	if err != nil {
		errs = append(errs, validationError{Loc: []string{"body"}, Msg: "JSON decode error", Type: "json_invalid"})
	} else {
		need := []struct {
			name string
			v    *string
		}{{"callback_url", b.CallbackURL}, {"verification_token", b.VerificationToken}, {"event_type", b.EventType}, {"data_type", b.DataType}}
		for i, f := range need {
			if f.v == nil && (create || i == 1) {
				errs = append(errs, validationError{Loc: []string{"body", f.name}, Msg: "Field required", Type: "missing"})
			}
		}
		if b.EventType != nil && !slices.Contains(eventTypes(), *b.EventType) {
			errs = append(errs, validationError{Loc: []string{"body", "event_type"}, Msg: "Input should be 'create', 'update' or 'delete'", Type: "enum"})
		}
		if b.DataType != nil && !slices.Contains(dataTypes(), *b.DataType) {
			errs = append(errs, validationError{Loc: []string{"body", "data_type"}, Msg: "Input should be a known data type", Type: "enum"})
		}
		if b.CallbackURL != nil {
			if u, err := url.Parse(*b.CallbackURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				errs = append(errs, validationError{Loc: []string{"body", "callback_url"}, Msg: "Input should be an http or https URL", Type: "url_parsing"})
			}
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, struct {
			Detail []validationError `json:"detail"`
		}{errs})
		return b, false
	}
	return b, true
}

// verifyCallback plays Oura's verification: a GET on the callback URL with
// the verification token and a challenge, which must come back as
// {"challenge": ...}.
func (s *Server) verifyCallback(ctx context.Context, callback, token string) error {
	if s.cfg.skipVerify {
		return nil
	}
	s.mu.Lock()
	challenge := s.newSecret("challenge_")
	s.mu.Unlock()
	u, err := url.Parse(callback)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("verification_token", token)
	q.Set("challenge", challenge)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := s.cfg.webhookClient.Do(req)
	if err != nil {
		return fmt.Errorf("callback unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("callback answered %d", resp.StatusCode)
	}
	var body struct {
		Challenge string `json:"challenge"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&body); err != nil {
		return fmt.Errorf("callback answer is not JSON: %w", err)
	}
	if body.Challenge != challenge {
		return errors.New("callback did not echo the challenge")
	}
	return nil
}

// newUUID draws a version 4 UUID. Called with s.mu held.
func (s *Server) newUUID() string {
	s.tokenSeq++
	a, b := hashKey(s.cfg.seed, tagWebhook, s.tokenSeq), hashKey(s.cfg.seed, tagWebhook, s.tokenSeq, 1)
	var u [16]byte
	for i := range 8 {
		u[i], u[8+i] = byte(a>>(8*i)), byte(b>>(8*i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// duplicate reports whether client has another subscription for the pair.
// Called with s.mu held.
func (s *Server) duplicate(client, except, event, data string) bool {
	for _, sub := range s.subs {
		if sub.clientID == client && sub.id != except && sub.eventType == event && sub.dataType == data {
			return true
		}
	}
	return false
}

func (s *Server) handleCreateSubscription(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	b, ok := readSubscriptionBody(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	dup := s.duplicate(client, "", *b.EventType, *b.DataType)
	s.mu.Unlock()
	if dup {
		writeJSON(w, http.StatusConflict, detail("A subscription for this event_type and data_type exists"))
		return
	}
	if err := s.verifyCallback(r.Context(), *b.CallbackURL, *b.VerificationToken); err != nil {
		writeJSON(w, http.StatusBadRequest, detail("Callback URL verification failed: "+err.Error()))
		return
	}
	s.mu.Lock()
	// Another create for the pair may have verified its callback meanwhile.
	if s.duplicate(client, "", *b.EventType, *b.DataType) {
		s.mu.Unlock()
		writeJSON(w, http.StatusConflict, detail("A subscription for this event_type and data_type exists"))
		return
	}
	sub := &subscription{
		id:                s.newUUID(),
		clientID:          client,
		callbackURL:       *b.CallbackURL,
		eventType:         *b.EventType,
		dataType:          *b.DataType,
		verificationToken: *b.VerificationToken,
		expiry:            s.nowLocked().Add(s.cfg.subLifetime),
	}
	s.subs[sub.id] = sub
	s.subOrder = append(s.subOrder, sub.id)
	m := sub.model()
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, m)
}

// ownSubscription finds a subscription of the client. On failure it has
// answered 404 and returns nil. Called with s.mu held.
func (s *Server) ownSubscription(w http.ResponseWriter, client, id string) *subscription {
	sub := s.subs[id]
	if sub == nil || sub.clientID != client {
		writeJSON(w, http.StatusNotFound, detail("Subscription not found"))
		return nil
	}
	return sub
}

func (s *Server) handleGetSubscription(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.ownSubscription(w, client, r.PathValue("id")); sub != nil {
		writeJSON(w, http.StatusOK, sub.model())
	}
}

func (s *Server) handleUpdateSubscription(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	b, ok := readSubscriptionBody(w, r, false)
	if !ok {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	sub := s.ownSubscription(w, client, id)
	if sub == nil {
		s.mu.Unlock()
		return
	}
	next := *sub
	s.mu.Unlock()
	if b.CallbackURL != nil {
		next.callbackURL = *b.CallbackURL
	}
	if b.EventType != nil {
		next.eventType = *b.EventType
	}
	if b.DataType != nil {
		next.dataType = *b.DataType
	}
	next.verificationToken = *b.VerificationToken
	if err := s.verifyCallback(r.Context(), next.callbackURL, next.verificationToken); err != nil {
		writeJSON(w, http.StatusBadRequest, detail("Callback URL verification failed: "+err.Error()))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs[id] == nil {
		notFound(w)
		return
	}
	if s.duplicate(client, id, next.eventType, next.dataType) {
		writeJSON(w, http.StatusConflict, detail("A subscription for this event_type and data_type exists"))
		return
	}
	s.subs[id] = &next
	writeJSON(w, http.StatusOK, next.model())
}

func (s *Server) handleDeleteSubscription(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if s.ownSubscription(w, client, id) == nil {
		return
	}
	s.deleteSubLocked(id)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteSubLocked(id string) {
	delete(s.subs, id)
	s.subOrder = slices.DeleteFunc(s.subOrder, func(x string) bool { return x == id })
}

func (s *Server) handleRenewSubscription(w http.ResponseWriter, r *http.Request) {
	client := s.clientAuth(w, r)
	if client == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.ownSubscription(w, client, r.PathValue("id"))
	if sub == nil {
		return
	}
	sub.expiry = s.nowLocked().Add(s.cfg.subLifetime)
	writeJSON(w, http.StatusOK, sub.model())
}

// Subscription is a webhook subscription as the server holds it.
type Subscription struct {
	ID          string
	ClientID    string
	CallbackURL string
	EventType   string
	DataType    string
	Expiry      time.Time
}

// Subscriptions returns the subscriptions of every client, oldest first.
func (s *Server) Subscriptions() []Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Subscription, 0, len(s.subOrder))
	for _, id := range s.subOrder {
		sub := s.subs[id]
		out = append(out, Subscription{ID: sub.id, ClientID: sub.clientID, CallbackURL: sub.callbackURL,
			EventType: sub.eventType, DataType: sub.dataType, Expiry: sub.expiry})
	}
	return out
}

// ---- delivery ----

// Event is a webhook notification.
type Event struct {
	EventType string    // create, update or delete
	DataType  string    // a webhook data type, e.g. "sleep" or "vo2_max"
	ObjectID  string    // the document's id
	UserID    string    // the user; empty means the first user
	EventTime time.Time // when it happened; zero means the server's clock
}

type eventBody struct {
	EventType string `json:"event_type"`
	DataType  string `json:"data_type"`
	ObjectID  string `json:"object_id"`
	EventTime string `json:"event_time"`
	UserID    string `json:"user_id"`
}

// Delivery is the outcome of posting one event to one callback.
type Delivery struct {
	SubscriptionID string // empty for SendEvent
	URL            string
	Event          Event
	Status         int   // the callback's status, 0 when it did not answer
	Err            error // why the callback did not answer
}

// Sign is Oura's webhook signature: the uppercase hex HMAC-SHA256, keyed
// with the client secret, of the x-oura-timestamp header value followed by
// the raw body.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write(body)
	return strings.ToUpper(hex.EncodeToString(m.Sum(nil)))
}

// Notify delivers ev, signed with the subscribing client's secret, to every
// subscription for its event and data type that has not expired, and returns
// one Delivery a subscription. As with Oura, a callback that answers 410 Gone
// cancels its subscription. The error reports a bad event only; failed
// deliveries are in the Deliveries.
func (s *Server) Notify(ctx context.Context, ev Event) ([]Delivery, error) {
	ev, err := s.completeEvent(ev)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	now := s.nowLocked()
	var targets []subscription
	for _, id := range s.subOrder {
		sub := s.subs[id]
		if sub.eventType == ev.EventType && sub.dataType == ev.DataType && now.Before(sub.expiry) {
			targets = append(targets, *sub)
		}
	}
	s.mu.Unlock()
	out := make([]Delivery, 0, len(targets))
	for _, sub := range targets {
		d := s.deliver(ctx, sub.callbackURL, s.cfg.clients[sub.clientID], ev, now)
		d.SubscriptionID = sub.id
		if d.Status == http.StatusGone {
			s.mu.Lock()
			s.deleteSubLocked(sub.id)
			s.mu.Unlock()
		}
		out = append(out, d)
	}
	return out, nil
}

// SendEvent posts ev to callbackURL signed with the first client's secret,
// with no subscription needed.
func (s *Server) SendEvent(ctx context.Context, callbackURL string, ev Event) (Delivery, error) {
	ev, err := s.completeEvent(ev)
	if err != nil {
		return Delivery{}, err
	}
	if _, err := url.Parse(callbackURL); err != nil {
		return Delivery{}, fmt.Errorf("ouratest: send event: callback URL: %w", err)
	}
	return s.deliver(ctx, callbackURL, s.cfg.clients[s.cfg.clientOrder[0]], ev, s.Now()), nil
}

func (s *Server) completeEvent(ev Event) (Event, error) {
	if !slices.Contains(eventTypes(), ev.EventType) {
		return ev, fmt.Errorf("ouratest: event: event type %q is not create, update or delete", ev.EventType)
	}
	if !slices.Contains(dataTypes(), ev.DataType) {
		return ev, fmt.Errorf("ouratest: event: unknown data type %q", ev.DataType)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.UserID == "" {
		ev.UserID = s.order[0]
	}
	if ev.EventTime.IsZero() {
		ev.EventTime = s.nowLocked()
	}
	return ev, nil
}

func (s *Server) deliver(ctx context.Context, callback, secret string, ev Event, now time.Time) Delivery {
	d := Delivery{URL: callback, Event: ev}
	body, _ := json.Marshal(eventBody{
		EventType: ev.EventType,
		DataType:  ev.DataType,
		ObjectID:  ev.ObjectID,
		EventTime: ev.EventTime.UTC().Format(layoutLocalized),
		UserID:    ev.UserID,
	})
	ts := strconv.FormatInt(now.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		d.Err = err
		return d
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-oura-timestamp", ts)
	req.Header.Set("x-oura-signature", Sign(secret, ts, body))
	resp, err := s.cfg.webhookClient.Do(req)
	if err != nil {
		d.Err = err
		return d
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	d.Status = resp.StatusCode
	return d
}

// RevisionEvents lists the webhook events the late revisions of user
// userID's documents between start and end (days, inclusive) amount to: an
// update of the sleep, daily_sleep and daily_readiness documents of an edited
// night, a delete of a nap the user deleted or a late nap merged into the
// night. See [WithRevisionAt]. Event times are the revision time.
func (s *Server) RevisionEvents(userID string, start, end civil.Date) ([]Event, error) {
	s.mu.Lock()
	u := s.users[userID]
	now := s.nowLocked()
	s.mu.Unlock()
	if u == nil {
		return nil, fmt.Errorf("ouratest: revision events: unknown user %q", userID)
	}
	if !start.IsValid() || !end.IsValid() || end.Before(start) {
		return nil, fmt.Errorf("ouratest: revision events: bad range %v..%v", start, end)
	}
	at := s.cfg.revisionAt
	if at.IsZero() {
		at = now
	}
	g := &gen{u: u, now: now, revised: true, cache: newPlanCache(u)}
	var out []Event
	for d := start; !d.After(end); d = d.AddDays(1) {
		if !u.hasDay(d, now) {
			continue
		}
		p := g.cache.get(d)
		for _, sp := range p.sleeps {
			if !sp.revised || sp.end.After(now) {
				continue
			}
			id := g.id(codeSleep, d, sp.ord)
			switch sp.revKind {
			case kindLongSleep:
				out = append(out,
					Event{EventType: "update", DataType: "sleep", ObjectID: id, UserID: u.ID, EventTime: at},
					Event{EventType: "update", DataType: "daily_sleep", ObjectID: g.id(codeDailySleep, d, 0), UserID: u.ID, EventTime: at},
					Event{EventType: "update", DataType: "daily_readiness", ObjectID: g.id(codeDailyReadiness, d, 0), UserID: u.ID, EventTime: at})
			default:
				out = append(out, Event{EventType: "delete", DataType: "sleep", ObjectID: id, UserID: u.ID, EventTime: at})
			}
		}
	}
	return out, nil
}

package oura

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// WebhookService manages the application's webhook subscriptions. Its
// routes take the application's client id and secret ([WithAppCredentials]),
// not a user's token. One subscription covers one (event type, data type)
// pair; subscriptions expire and must be renewed ([WebhookService.RenewExpiring]).
type WebhookService struct{ client *Client }

// CreateWebhookRequest creates a subscription. Oura verifies CallbackURL at
// once with a GET carrying VerificationToken (see [NewWebhookHandler]).
type CreateWebhookRequest struct {
	CallbackURL       string
	VerificationToken Secret
	EventType         EventType
	DataType          DataType
}

// UpdateWebhookRequest changes a subscription. VerificationToken is
// required; the other fields are left as they are when empty.
type UpdateWebhookRequest struct {
	VerificationToken Secret
	CallbackURL       string
	EventType         EventType
	DataType          DataType
}

// List returns every subscription of the application.
func (s *WebhookService) List(ctx context.Context) ([]WebhookSubscription, *Response, error) {
	var out []WebhookSubscription
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: webhookPath, auth: authApp}, &out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Get returns one subscription.
func (s *WebhookService) Get(ctx context.Context, id string) (*WebhookSubscription, *Response, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	v := new(WebhookSubscription)
	resp, err := s.client.do(ctx, &request{method: http.MethodGet, path: webhookPath + "/" + url.PathEscape(id), auth: authApp}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// Create creates a subscription.
func (s *WebhookService) Create(ctx context.Context, req *CreateWebhookRequest) (*WebhookSubscription, *Response, error) {
	if req == nil {
		return nil, nil, &ParamError{Param: "CreateWebhookRequest", Reason: "nil"}
	}
	for _, f := range []struct{ name, v string }{
		{"CallbackURL", req.CallbackURL}, {"VerificationToken", req.VerificationToken.Reveal()},
		{"EventType", string(req.EventType)}, {"DataType", string(req.DataType)},
	} {
		if f.v == "" {
			return nil, nil, &ParamError{Param: f.name, Reason: "required"}
		}
	}
	if err := checkCallbackURL(req.CallbackURL); err != nil {
		return nil, nil, err
	}
	body, err := json.Marshal(map[string]string{
		"callback_url":       req.CallbackURL,
		"verification_token": req.VerificationToken.Reveal(),
		"event_type":         string(req.EventType),
		"data_type":          string(req.DataType),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("oura: encode subscription: %w", err)
	}
	v := new(WebhookSubscription)
	resp, err := s.client.do(ctx, &request{method: http.MethodPost, path: webhookPath, body: body, auth: authApp,
		secrets: []string{req.VerificationToken.Reveal()}}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// Update changes a subscription.
func (s *WebhookService) Update(ctx context.Context, id string, req *UpdateWebhookRequest) (*WebhookSubscription, *Response, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	if req == nil || req.VerificationToken.IsZero() {
		return nil, nil, &ParamError{Param: "VerificationToken", Reason: "required"}
	}
	wire := map[string]string{"verification_token": req.VerificationToken.Reveal()}
	if req.CallbackURL != "" {
		if err := checkCallbackURL(req.CallbackURL); err != nil {
			return nil, nil, err
		}
		wire["callback_url"] = req.CallbackURL
	}
	if req.EventType != "" {
		wire["event_type"] = string(req.EventType)
	}
	if req.DataType != "" {
		wire["data_type"] = string(req.DataType)
	}
	body, err := json.Marshal(wire)
	if err != nil {
		return nil, nil, fmt.Errorf("oura: encode subscription: %w", err)
	}
	v := new(WebhookSubscription)
	resp, err := s.client.do(ctx, &request{method: http.MethodPut, path: webhookPath + "/" + url.PathEscape(id), body: body, auth: authApp,
		secrets: []string{req.VerificationToken.Reveal()}}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// Delete deletes a subscription.
func (s *WebhookService) Delete(ctx context.Context, id string) (*Response, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	return s.client.do(ctx, &request{method: http.MethodDelete, path: webhookPath + "/" + url.PathEscape(id), auth: authApp}, nil)
}

// Renew extends a subscription's expiration time.
func (s *WebhookService) Renew(ctx context.Context, id string) (*WebhookSubscription, *Response, error) {
	if err := checkID(id); err != nil {
		return nil, nil, err
	}
	v := new(WebhookSubscription)
	resp, err := s.client.do(ctx, &request{method: http.MethodPut, path: webhookPath + "/renew/" + url.PathEscape(id), auth: authApp}, v)
	if err != nil {
		return nil, resp, err
	}
	return v, resp, nil
}

// RenewExpiring renews every subscription that expires within the given
// time from now (expired ones included) and returns the renewed
// subscriptions. Run it periodically, e.g. daily with within = 7 days. It
// tries every subscription; the error joins the failures.
func (s *WebhookService) RenewExpiring(ctx context.Context, within time.Duration) ([]WebhookSubscription, error) {
	subs, _, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	cutoff := s.client.now().Add(within)
	var (
		renewed []WebhookSubscription
		errs    []error
	)
	for _, sub := range subs {
		if sub.ExpirationTime.After(cutoff) {
			continue
		}
		r, _, err := s.Renew(ctx, sub.ID)
		if err != nil {
			if ctx.Err() != nil {
				return renewed, errors.Join(append(errs, err)...)
			}
			errs = append(errs, fmt.Errorf("renew subscription %s (%s %s): %w", sub.ID, sub.EventType, sub.DataType, err))
			continue
		}
		renewed = append(renewed, *r)
	}
	return renewed, errors.Join(errs...)
}

func checkCallbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &ParamError{Param: "CallbackURL", Reason: fmt.Sprintf("%q is not an absolute http(s) URL", raw)}
	}
	return nil
}

// UnmarshalJSON decodes a subscription, accepting an expiration time with
// or without an offset (a bare time is UTC).
func (w *WebhookSubscription) UnmarshalJSON(b []byte) error {
	type plain WebhookSubscription
	var aux struct {
		plain
		ExpirationTime string `json:"expiration_time"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*w = WebhookSubscription(aux.plain)
	if aux.ExpirationTime != "" {
		t, err := parseFlexibleTime(aux.ExpirationTime)
		if err != nil {
			return fmt.Errorf("expiration_time: %w", err)
		}
		w.ExpirationTime = t
	}
	return nil
}

// parseFlexibleTime parses RFC 3339 and, for servers that drop the offset,
// YYYY-MM-DDTHH:MM:SS[.fraction] as UTC.
func parseFlexibleTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	lt, err := ParseLocalDateTime(strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, err
	}
	return lt.In(time.UTC), nil
}

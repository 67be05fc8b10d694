// Package oura is a client for the Oura Cloud API v2: every user-collection
// route with typed models, pagination by next_token, OAuth2 with refresh,
// retries that honour Oura's rate-limit headers, a client-side rate limiter,
// a circuit breaker, webhook subscription management and a webhook receiver.
//
// # Clients and services
//
// [NewClient] builds a [Client] from functional options. Each collection is a
// field of the client named after the route, in the style of go-github:
//
//	c, err := oura.NewClient(oura.WithTokenSource(ts))
//	page, _, err := c.Sleep.List(ctx, &oura.ListOptions{StartDate: from, EndDate: to})
//	for doc, err := range c.Sleep.All(ctx, &oura.ListOptions{StartDate: from, EndDate: to}) { … }
//
// Date-filtered collections return exactly the requested inclusive range of
// days: the client asks Oura for one day more and drops what falls outside.
// Heart rate and ring battery take instants, are fetched in windows of at
// most 30 days and come back in UTC.
//
// # Documents and raw JSON
//
// Every document type keeps the bytes Oura sent in its Raw field, so a store
// can keep the document whole even when Oura adds fields this package does
// not know yet. Nullable fields are pointers; enumerations are open string
// types whose known values are constants and whose unknown values decode and
// are kept.
//
// # Failures
//
// Requests are retried with exponential backoff and jitter on 429, 5xx and
// network errors, honouring Retry-After and X-RateLimit-Reset; never on 400,
// 403, 404 or 422. A 401 triggers one token refresh when the token source can
// refresh. Failures are typed: an answer outside 2xx is an [*APIError]
// (a 429 a [*RateLimitError], with Oura's rate-limit headers), a failure to
// reach Oura or to read its answer whole a [*NetworkError], a body that is
// not the JSON the route promises a [*DecodeError], a failure of the token
// endpoint a [*TokenError], and an option refused before any request a
// [*ParamError] (matching [ErrInvalidParam]). With errors.Is they match
// [ErrUnauthorized], [ErrForbidden], [ErrNotFound] and [ErrRateLimited] by
// status (a refused grant is unauthorized too); [ErrNotConfigured] is a call
// that needs credentials the client was not given, and [ErrCircuitOpen] one
// refused while Oura looks down. Tokens and secrets never appear in errors,
// logs or fmt output: they are held as [Secret] values, and every type that
// holds one redacts itself under every fmt verb, slog and JSON, however
// deeply it is nested. A request id taken from a response header is kept
// only when it is a short token of letters, digits, '.', '_' and '-'.
//
// # Webhooks
//
// [Client.Webhooks] manages subscriptions with the application's client id
// and secret; [WebhookService.RenewExpiring] renews those about to expire.
// [NewWebhookHandler] answers Oura's verification challenge and verifies the
// signature and timestamp of every delivery before handing a typed
// [WebhookEvent] to a callback.
package oura

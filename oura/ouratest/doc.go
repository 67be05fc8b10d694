// Package ouratest is a fake Oura API v2 server for tests: the client's, and
// anyone's who syncs Oura data.
//
// [NewServer] starts it on net/http/httptest. It serves every route of
// /v2/usercollection (daily_activity, daily_readiness, daily_sleep, sleep,
// daily_spo2, daily_stress, daily_resilience, daily_cardiovascular_age,
// vO2_max, sleep_time, workout, session, tag, enhanced_tag,
// rest_mode_period, ring_configuration, heartrate, ring_battery_level,
// personal_info), their single-document routes, the same under
// /v2/sandbox/usercollection, the webhook subscription routes under
// /v2/webhook/subscription, and OAuth2 endpoints at /oauth/authorize,
// /oauth/token and /oauth/revoke.
//
// # Data
//
// Data is drawn, not stored: every document and sample is a function of the
// server's seed, the user's ID and the day, so any user and any date range
// can be served, and the same seed serves the same bytes. A day's plan (the
// night's sleep, naps, workouts, sessions, charging the ring) feeds every
// route, so they agree: heart rate is low during the long_sleep period,
// high during a workout, and missing while the ring charges or on a night
// without the ring. The data has what real data has: several sleep periods
// a day (long_sleep, naps, late naps counting toward the next day, rest and
// deleted periods), nulls where Oura sends them (scores without a night,
// contributors without history, dropped readings in sample arrays), local
// days and LocalizedDateTime values in the user's zone across DST changes,
// heart rate every five minutes in UTC, and late revisions that change a
// document while keeping its id ([WithRevisionAt]).
//
// Pages hold [WithPageSize] documents or [WithSamplePageSize] rows and end
// with an opaque next_token that carries the whole query. A page is drawn on
// demand, so a year of heart rate never sits in memory.
//
// # Oura's quirks
//
// By default the server reproduces what clients must work around (see
// [WithExactDates]): end_date read as local midnight on collections that
// filter on their timestamp, workouts filtered in UTC, heartrate and
// ring_battery_level windows limited to 30 days ([WithMaxSeriesWindow]) with
// both ends inclusive, defaults of one day when dates are left out (and
// start_date on heartrate is not start_datetime), unknown query parameters
// and fields ignored, filters beside a next_token ignored. Bad dates are
// answered with 422 and Oura's HTTPValidationError body, bad page tokens
// with 400, unknown documents with 404.
//
// Every answer carries an X-Request-Id header.
//
// # Auth
//
// Data routes need a bearer token. Each [User] may have a static token;
// [Server.IssueToken] and the token endpoint issue expiring tokens with
// scopes, and refresh tokens that rotate on every use. Webhook routes take
// the app's x-client-id and x-client-secret ([WithClient]).
//
// # Faults and assertions
//
// [Server.Inject] and [WithFaults] make requests fail by schedule or by
// seeded chance: 429 with Retry-After and X-RateLimit-* headers, 5xx, slow
// answers, bodies cut short, connection resets. [Server.Requests] lists what
// the server received, with credentials redacted. [Server.Notify] delivers
// webhook events signed as Oura signs them.
package ouratest

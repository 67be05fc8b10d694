// Package activitywatch is the ActivityWatch source of the work-life
// score. ActivityWatch (https://activitywatch.net) is an open-source,
// local-first time tracker: watchers on each computer record the window in
// front, the active browser tab and whether the person is at the keyboard,
// and its server serves them over a REST API on http://localhost:5600/api/0/.
//
// [Client] reads that API: the server's info, its buckets, a bucket's
// events for a range of time (in week-long chunks, cut to the range) and
// the categories set up in its web interface. [Source] implements
// [lifeops.WorkStatsSource] on top of it: for each of the person's days it
// takes the window activity while the AFK watcher says they were at the
// keyboard, gives a browser window the meaning of its active tab, and
// classifies every stretch by the person's [Rule]s (application, title and
// URL patterns, or ActivityWatch categories) as work, meeting or not work.
// From that it derives work, after-hours, meeting and break minutes (see
// [Source.WorkDays]). Several hosts (a laptop and a desktop syncing to one
// server, or read one by one) are merged as sets of time, so an hour active
// on both counts once.
//
// The settings ([Settings]) are a plain validated value with a JSON form,
// to be stored with the person; nothing in them is secret. Requests go
// through [workstats.Fetcher]: timeouts, retries with backoff on 429, 5xx
// and network errors honouring Retry-After, a circuit breaker per
// ActivityWatch host, typed errors with lifeops codes.
//
// awtest is a fake ActivityWatch server for tests, with realistic days and
// faults.
package activitywatch

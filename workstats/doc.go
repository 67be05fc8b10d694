// Package workstats holds what the work-life sources share: the person's
// calendar and working hours as plain validated values with JSON forms,
// and the [Fetcher] that gives both adapters the resilience of the Oura
// client (a timeout per attempt, retries with backoff and jitter on 429,
// 5xx and network errors honouring Retry-After, a budget per call, a
// circuit breaker per host, a bound on every body, conditional requests,
// typed errors that never carry a secret URL, and [Translate] to the
// lifeops error codes).
//
// The sources themselves are subpackages, each implementing
// [lifeops.WorkStatsSource] with a fake server for tests:
//
//   - workstats/activitywatch reads ActivityWatch, the local-first time
//     tracker (work, after-hours, break and meeting minutes);
//     workstats/activitywatch/awtest is a fake ActivityWatch server.
//   - workstats/ical reads iCalendar feeds by URL or file (meeting
//     minutes); workstats/ical/icaltest is a fake feed server.
//
// Adapters import lifeops, timeline and civil, never store, oura or each
// other.
//
// # Days
//
// A work day is the person's own day (see [Calendar]): from their
// day-start hour to the next, in the zone in force, 23 or 25 hours long
// across DST changes. Work, meetings and breaks are sets of instants;
// overlapping time (two hosts active at once, two meetings at once) counts
// once, and a session or meeting that crosses the day start is split
// between the two days. Minutes are rounded to the nearest minute per day.
package workstats

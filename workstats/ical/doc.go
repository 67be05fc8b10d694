// Package ical is the calendar source of the work-life score: it reads a
// person's iCalendar feeds (the private ICS URL every major calendar
// offers, or a file) and counts their meeting minutes per day, as a
// [lifeops.WorkStatsSource].
//
// # Reading feeds
//
// [Parse] reads a feed with github.com/arran4/golang-ical and interprets
// its values: TZID by IANA name, by a path such as
// "/mozilla.org/20050126_1/Europe/Berlin", by Windows name as Outlook and
// Exchange write it ("W. Europe Standard Time"), or by the feed's own
// VTIMEZONE (turned into a zone of its own); floating times in the feed's
// X-WR-TIMEZONE or the person's zone; DURATION instead of DTEND; duplicate
// UIDs resolved by SEQUENCE and LAST-MODIFIED. [Calendar.Meetings] expands
// recurring events with the timeline package's RRULE code and its
// resolver, so a wall clock in a DST gap or overlap means what RFC 5545
// says it means, and applies EXDATE, RDATE and RECURRENCE-ID overrides,
// cancelled instances, declines, tentative answers and free time.
// Anything a feed holds that cannot be counted as written is reported as a
// [Problem] and logged, never dropped silently.
//
// # Limits
//
// Any feed is read in bounded time and memory ([Limits]): at most 32 MiB
// and 200,000 events a feed, components nested at most 8 deep, each
// recurrence rule walked at most 20,000 instances from its start to the
// window (a daily meeting for 54 years; an unbounded rule that would need
// more is cut and reported), at most 200,000 meetings an expansion, and
// timed events longer than a day are not meetings. A 100,000-event feed
// (14 MiB) parses and expands in about 3 s on a 2-core machine, 1.4 to 1.7
// times what the library alone takes to parse it; see BenchmarkParseExpand.
//
// # The source
//
// [NewSource] builds the adapter. Per person it needs their calendar
// (zone history and day-start hour) and [Settings]: feeds, which events
// count, working hours. A feed URL is a secret: [URL] never prints, logs
// or marshals it, errors name only its host, and [Settings.Secrets] hands
// it to a store to seal. Feeds are fetched through [workstats.Fetcher]
// (retries with backoff on 429, 5xx and network errors honouring
// Retry-After, a circuit breaker per host) with conditional requests:
// a feed that has not changed (304) is not parsed again.
//
// icaltest is a fake feed server for tests, with faults.
package ical

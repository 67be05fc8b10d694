// Package timeline is the pure core of the LifeOps daily timeline: schedules
// (on which dates an item is due), anchors and offsets (at what instant), the
// events of an occurrence (completed, skipped, postponed) and the
// feed of one day.
//
// # Days, zones and DST
//
// Dates are civil dates ([civil.Date]) with no zone; all date arithmetic is
// on day numbers, and no day is ever stepped by adding 24 hours. A schedule
// never sees an instant, so "is it due on date D?" cannot be fooled by DST,
// and it costs the same however far D lies from the start date.
//
// A wall clock becomes an instant in exactly one place, [Resolve], which
// follows RFC 5545 section 3.3.5 in every zone: a wall clock that happens
// twice (fall back) takes the first instant; one inside a gap (spring
// forward, a missing midnight in America/Havana or America/Santiago, the day
// Pacific/Apia skipped on 2011-12-30) is read with the UTC offset in force
// before the gap, which moves it later by the gap's length. It handles
// half-hour and 45-minute offsets and 30-minute DST shifts
// (Australia/Lord_Howe, Pacific/Chatham). It does not rely on [time.Date],
// whose answer in gaps and overlaps depends on which side of UTC the zone
// lies.
//
// An anchor is a fixed wall clock, the person's wake time or their bedtime;
// the item's offset is added to the anchor's instant as elapsed time, so "30
// minutes after I wake" is 30 real minutes even across a DST change. An
// occurrence belongs to the feed day of its anchor even when its instant
// falls on the next calendar date (wake at 23:30 plus 90 minutes is in that
// day's feed), and a feed is ordered by instant, not by wall clock.
//
// # Recurrence rules
//
// RRULE strings are parsed here ([ParseRule]) and expanded here too, in
// civil arithmetic: a rule's dates are found period by period (a day, a
// week, a month or a year, as its FREQ says) on day numbers, with times of
// day as plain seconds, and only then is each wall clock turned into an
// instant by [Resolve]. So there is no DST inside the expansion and no
// horizon: COUNT=5000 means 5000 dates however many centuries they take,
// and a rule without COUNT or UNTIL repeats through 9999-12-31. The
// expansion follows RFC 5545 section 3.3.10, and its tests compare it with
// github.com/teambition/rrule-go over every kind of rule part.
//
// A rule that one of the built-in kinds can express (FREQ=WEEKLY;BYDAY=MO,TH,
// or FREQ=MONTHLY;BYDAY=-1FR) is answered by that kind's constant-time
// code; any other is expanded from the period that holds the date asked
// about, never from its start, unless it has a COUNT, which can only be
// counted from the start: such a rule is walked once, as far as the dates
// asked about, and the answer for a date never costs more than that walk.
// "When does it next happen?" reads the periods near the date asked about
// and then searches year by year, expanding each shape of year (its first
// weekday and length) once, so a rule whose next date is decades away, or
// that can never happen (FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Tuesday), is
// answered in microseconds; [Schedule.Validate] refuses the latter.
//
// Every kind of schedule also takes except dates and extra dates, as
// iCalendar's EXDATE and RDATE: "daily, but not on public holidays", or "on
// weekdays, and on this Saturday". An extra date is due whatever the kind,
// its start date, COUNT or UNTIL say; an excepted one is skipped after
// COUNT has counted it.
//
// A rule's UNTIL with a time of day bounds an item's occurrences by their
// instants, as RFC 5545 bounds a rule whose DTSTART has a time and a zone:
// an item at 09:00 in New York with UNTIL=20250131T045959Z is last due on
// 2025-01-30. So the question "is the item due on D?" takes the person's
// zone ([Item.DueOn], [Item.Plan]). A wake or bedtime item, whose time is
// measured, is bounded by the date UNTIL falls on in that zone.
//
// [Schedule.DueOn] keeps nothing between calls. A caller that asks about
// many dates (every day of a person's history, say) makes a [Calendar] with
// [Schedule.Calendar], or a [Plan] with [Item.Plan], once: the same
// answers, with a rule parsed once, a COUNT walked once, and any other
// expanded rule walked a stretch of dates at a time. [FeedInput] takes
// plans too.
//
// # Several times a day
//
// An item can be due several times a day: at the times of a fixed anchor
// (Anchor.Times: "water at 09:00, 12:00 and 15:00"), or at the times a rule
// with BYHOUR and BYMINUTE gives at a fixed anchor, whose time is then the
// rule's DTSTART time (FREQ=DAILY;BYHOUR=9,12,15 at 09:00). At most
// [MaxSlots] a day. Each time is a slot of the day, numbered from 0 in the
// order of that day's times, and is an occurrence of its own: it has its
// own start and end, is completed, skipped, postponed and carried over on
// its own, and its events carry its slot. An item due once a day has one
// occurrence a day in slot 0, and a slot of 0 is left out of the JSON of
// events and feed entries, so such items and their stored events look
// exactly as they always did.
//
// A slot is the time's place in the day, not the time itself: moving 09:00
// to 09:30 keeps the day's events with their occurrences, while adding or
// removing a time renumbers the slots after it (a store that lets the
// times change should move or drop the events of the dates it renumbers).
// On a rule's first day the times before its DTSTART time are not due, and
// an UNTIL in UTC can end its last day between two times; each day numbers
// the times it has. A date in a schedule's extra dates has the anchor's
// times.
//
// # Occurrences, events and the feed
//
// An occurrence is keyed by item, feed date and slot ([OccurrenceKey]).
// [Fold] reads its events, in the order recorded, into its [State]: the
// latest completion or skip settles it, and the latest postponement moves
// it, settled or not. Undoing removes an occurrence's events; no event takes
// another back. Fold is the one reading of events: the feed uses it, and so
// does anything else that asks what became of an occurrence (a day's
// habits, a streak). A postponement moves the occurrence, never the series:
// to a later instant of its own feed day, or to another date at most
// [MaxPostponeDays] ahead. An occurrence left open at the end of its
// feed day is dropped, or, for an item whose policy is carry_over, shown once
// more as overdue in the next feed day's feed. [EventWindow] says which
// events a feed needs; [BuildFeed] builds it.
//
// The package does no I/O and reads no clock: dates, instants, "now" and
// the *time.Location are arguments. Loading a zone reads the zone database,
// so the caller does it ([time.LoadLocation]) and passes the result in.
package timeline

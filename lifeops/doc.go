// Package lifeops is the core of LifeOps: the domain types, the ports that
// adapters implement, the error model, and the Service that runs every use
// case on top of the pure score and timeline packages.
//
// # Using it
//
// A host service builds one [Service] from a [Config] whose only required
// field is a [Store] (the store package's SQL store, or memstore for tests
// and small tools), and calls its methods:
//
//	svc, err := lifeops.New(&lifeops.Config{Store: db, Health: ouraSource, Logger: logger})
//	ada, err := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
//	res, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{})        // the last 30 days, then incremental
//	out, err := svc.Complete(ctx, ada.ID, itemID, civil.Date{...}, 0)   // idempotent; awards XP once
//	today, err := svc.Today(ctx, ada.ID, civil.Date{})               // the person's current day
//
// # Days, zones and DST
//
// Every day-level record (health days, work days, scores, XP, streak days,
// timeline occurrences) is keyed by a civil.Date in the person's own
// calendar, never by an instant. A person's day starts at their
// DayStartHour in their IANA zone: with the default 4, an instant at 00:30
// local time belongs to the evening before. The Service turns "now" into
// the person's current day with its Clock, the zone and the day-start hour
// (score.PersonDay), so a zero date passed to Today, Feed, ScoreDay,
// HealthDay, Complete, Skip, Postpone or Undo means that day; date ranges
// (Scores, HealthDays, WorkDays) take real dates at both ends. Day
// arithmetic is on civil dates and never adds 24 hours, so a 23- or 25-hour
// day is still one day. Instants (completion times, wake and bedtime,
// heart-rate samples) are time.Time values; stores return them in UTC, the
// feed and Today show them in the zone the day was lived in, and
// [HealthDay.View] in the zone it is given.
//
// Changing the zone takes effect at once: the current day, and the feeds
// of the day of the move and later, are computed in the new zone. Stored
// records keep their dates, and the days lived before the move keep the
// zone they were lived in (their feeds, and their scores when computed
// again), so nothing done before the move changes day or time. The Service records each move
// as a [ZoneChange] and counts every streak across them: a day that a
// flight east jumps over cannot break a streak or cost a freeze, and a date
// lived twice after a flight west counts once.
//
// The timeline of a day anchors items to that day's measured wake time (the
// end of the main sleep that ended on it) and bedtime (the start of the main
// sleep that ended on the next day), else to the profile's defaults; the
// timeline package resolves wall clocks in DST gaps and overlaps.
//
// # Errors
//
// Every error matches one of ErrInvalid, ErrNotFound, ErrConflict,
// ErrUnauthorized and ErrUnavailable with errors.Is, or none for an
// internal failure or an ended context; [ErrorCode] and [ErrorMessage] give
// an adapter the code (unavailable for an ended context, never internal)
// and a message safe to show. Validation errors are *ValidationError values
// naming the field; [FieldErrors] lists them all.
//
// # Idempotency
//
// The ports have no transactions. Each store write is idempotent by itself
// (upserts on natural keys, insert-if-absent for events, XP and
// achievements), and each use case orders its writes so that repeating it
// converges on the same state: a retried or concurrent request awards
// nothing twice, and a request cut short between two writes is repaired by
// sending it again. [Store] lists what a store guarantees for that.
//
// # What a call costs
//
// Today and every complete, skip, postpone and undo read the person's whole
// history once (items, events, health and work days, zone changes), because
// streaks and achievements are counted over all of it, and evaluate the
// achievement catalog over every day once. Nothing is cached between calls,
// so several Services and processes can share one store and never see
// stale data. Within a call each item's schedule is compiled once
// (timeline.Plan), so a recurrence rule is not expanded again for every day
// asked about, and the ledger is read summed by day where the store can
// ([XPSummaryStore]).
package lifeops

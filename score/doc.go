// Package score is the game layer of LifeOps, as pure functions: plain
// values in, values out, time passed as arguments, no I/O.
//
// # The person's day
//
// Every day-level value is keyed by the person's own day, a [civil.Date]:
// [PersonDay] maps an instant, an IANA zone and a day-start hour (0–23) to
// it, so with a day start of 4 a check-in at 00:30 counts for the evening
// before. [DayStart] gives the instant a person's day begins. Days are never
// found by adding 24 hours, so DST nights are exact.
//
// # Scores
//
// [Compute] scores one [Day] against the person's [Goals]: the sleep,
// activity, work-life and habits domains, each a decimal on 0–100 with its
// contributors (name, value, weight, effect; the effects add up to the
// score), and the Life Score, the weighted mean of the domains present with
// the weights re-normalised over them. A domain without data is absent
// (nil) and named in the Life Score's Missing list, never scored zero.
// [Round] states the one rounding rule: one decimal place, half away from
// zero.
//
// # XP and levels
//
// [CompletionAward] and [DayAwards] build XP awards with idempotency keys;
// a [Ledger] records each key once and [Ledger.Undo] takes an award back.
// [LevelFor] places a total on the level curve of [LevelSpan].
//
// # Streaks and habit strength
//
// [CountStreak] counts a streak in the person's days: done days extend it,
// skipped and rest days are neutral, missed days spend a freeze or end it,
// and days a zone change jumped over are neutral. [DayGoalStatus] turns a
// day's habits into the status of the global day-goal streak.
// [HabitStrength] is Loop Habit Tracker's exponentially smoothed habit
// score, which decays gently instead of resetting.
//
// # Achievements and the message
//
// [Evaluate] checks the [Catalog] of achievements over a history, keeping
// the unlock dates of earlier evaluations, and [TodayMessage] picks the
// day's message by fixed rules.
//
// # Errors
//
// Every bad input gives a [*ValidationError] naming the field as a JSON path
// ("sleep.score", "weights.habits", "day_start_hour"); it matches
// [ErrInvalid] with errors.Is, and [FieldErrors] lists all of them.
package score

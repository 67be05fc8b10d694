package lifeops

import (
	"context"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Page selects a slice of an ordered listing. Limit 0 means no limit.
type Page struct {
	Offset int
	Limit  int
}

// UserStore keeps users and their goals.
type UserStore interface {
	// CreateUser stores a new user. A user with the same ID is ErrConflict.
	CreateUser(ctx context.Context, u User) error
	// User returns the user with id, or ErrNotFound.
	User(ctx context.Context, id uuid.UUID) (User, error)
	// UpdateUser replaces every field of the stored user u.ID except
	// CreatedAt, or returns ErrNotFound.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUser deletes the user and, in every port, every record that
	// belongs to them; ErrNotFound when there is no such user.
	DeleteUser(ctx context.Context, id uuid.UUID) error
	// Users lists users ordered by CreatedAt, then ID.
	Users(ctx context.Context, page Page) ([]User, error)

	// Goals returns the user's goals, or ErrNotFound when none were stored.
	Goals(ctx context.Context, userID uuid.UUID) (Goals, error)
	// PutGoals stores g for g.UserID, replacing earlier goals.
	PutGoals(ctx context.Context, g Goals) error
}

// HealthStore keeps the per-day health records and the provider documents
// behind them.
type HealthStore interface {
	// PutHealthDays upserts each day on (UserID, Date), replacing every
	// field of a stored day.
	PutHealthDays(ctx context.Context, days []HealthDay) error
	// MergeHealthDays writes of each day only the fields that kind owns
	// (see [HealthDay]), as [HealthDay.Merge] would into the stored day,
	// upserted on (UserID, Date): every other field of a stored day stays
	// as it is, whoever wrote it and whenever. Each day's write is atomic,
	// so writers of different kinds, in this process or another, never
	// lose each other's fields however their calls interleave; a day not
	// stored yet gets the kind's fields and nil elsewhere. Source replaces
	// the stored one when it is not empty; UpdatedAt is always written. A
	// day with no data of kind (see [HealthDay.Has]) clears the kind's
	// fields of a stored day and creates no day. Stores check the
	// arguments with [ValidateMerge].
	MergeHealthDays(ctx context.Context, kind DataKind, days []HealthDay) error
	// HealthDays returns the user's days in [from, to] ordered by date; an
	// empty slice when there are none.
	HealthDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]HealthDay, error)

	// PutRawDocuments upserts each document on (UserID, Provider, Kind, ID),
	// replacing a stored revision in place.
	PutRawDocuments(ctx context.Context, docs []RawDocument) error
	// MarkRawDocumentsDeleted marks deleted the user's documents of
	// provider and kind dated in span whose ID is not in keep, and returns
	// how many it marked; documents already marked are left as they are.
	MarkRawDocumentsDeleted(ctx context.Context, userID uuid.UUID, provider, kind string, span Span, keep []string) (int, error)
	// RawDocument returns one document, or ErrNotFound.
	RawDocument(ctx context.Context, userID uuid.UUID, provider, kind, id string) (RawDocument, error)
	// RawDocuments lists the user's documents that match q, ordered by
	// Date (documents without one first), then Kind, then ID.
	RawDocuments(ctx context.Context, userID uuid.UUID, q RawQuery) ([]RawDocument, error)
}

// RawQuery filters RawDocuments. Empty fields match everything; a date range
// matches only documents with a Date in [From, To].
type RawQuery struct {
	Provider string
	Kind     string
	From, To civil.Date
}

// HeartRateStore keeps heart-rate samples, about 105,000 a year per person
// at one sample every five minutes.
type HeartRateStore interface {
	// PutHeartRate upserts samples on (userID, At). Callers send batches
	// of up to a few thousand; stores write each batch at once.
	PutHeartRate(ctx context.Context, userID uuid.UUID, samples []HeartRateSample) error
	// HeartRate returns the user's samples with At in [start, end), ordered
	// by At.
	HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) ([]HeartRateSample, error)
}

// SyncStateStore keeps how far each kind of a user's data was synced.
type SyncStateStore interface {
	// SyncStates returns the user's states, ordered by Kind.
	SyncStates(ctx context.Context, userID uuid.UUID) ([]SyncState, error)
	// PutSyncState upserts s on (UserID, Kind).
	PutSyncState(ctx context.Context, s SyncState) error
}

// WorkStore keeps work-day records, one per (user, date, source).
type WorkStore interface {
	// PutWorkDay upserts w on (UserID, Date, Source); an empty Source is
	// kept as SourceManual. Sources is not stored.
	PutWorkDay(ctx context.Context, w WorkDay) error
	// WorkDays returns the user's work-day records in [from, to] ordered
	// by date, then source.
	WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]WorkDay, error)
	// DeleteWorkDays deletes the user's records from source ("" is
	// SourceManual) in [from, to] and returns how many there were.
	DeleteWorkDays(ctx context.Context, userID uuid.UUID, source string, from, to civil.Date) (int, error)
}

// WorkSourceStore keeps each person's settings for their work-stats
// sources, one per (user, source), the secrets sealed at rest as
// CredentialStore seals tokens.
type WorkSourceStore interface {
	// PutWorkSource upserts s on (UserID, Source).
	PutWorkSource(ctx context.Context, s WorkSourceSettings) error
	// WorkSource returns the user's settings for source, secrets opened,
	// or ErrNotFound.
	WorkSource(ctx context.Context, userID uuid.UUID, source string) (WorkSourceSettings, error)
	// WorkSources returns the user's settings of every source, ordered by
	// source.
	WorkSources(ctx context.Context, userID uuid.UUID) ([]WorkSourceSettings, error)
	// DeleteWorkSource deletes the user's settings for source, or returns
	// ErrNotFound.
	DeleteWorkSource(ctx context.Context, userID uuid.UUID, source string) error
}

// ScoreStore keeps computed daily scores.
type ScoreStore interface {
	// PutScores upserts each of scores on (UserID, Date), replacing every
	// field, all or nothing.
	PutScores(ctx context.Context, scores ...DayScores) error
	// Scores returns the user's scored days in [from, to] ordered by date.
	Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]DayScores, error)
}

// XPStore keeps the XP ledger and, beside it, each user's total, which
// every write of the ledger keeps equal to the sum of the user's entries in
// the same atomic step, so reading the total never sums the ledger.
type XPStore interface {
	// AddXP inserts e unless the user has an entry with e.Key, atomically
	// (see insert-if-absent on [Store]). It returns the stored entry, which
	// is the existing one when created is false.
	AddXP(ctx context.Context, e XPEntry) (stored XPEntry, created bool, err error)
	// DeleteXP deletes the user's entry with key and reports whether there
	// was one. Deleting a missing key is not an error.
	DeleteXP(ctx context.Context, userID uuid.UUID, key string) (deleted bool, err error)
	// UpdateXP inserts each entry of add whose key the user has no entry
	// with, and deletes the user's entries with the keys in remove, all or
	// nothing. A key in both is refused (ErrInvalid). It is AddXP and
	// DeleteXP for many entries at once.
	UpdateXP(ctx context.Context, userID uuid.UUID, add []XPEntry, remove []string) error
	// XPTotal returns the sum of the Points of the user's entries, or
	// ErrNotFound for an unknown user.
	XPTotal(ctx context.Context, userID uuid.UUID) (int64, error)
	// XPEntries lists the user's entries that match q, ordered by Date,
	// then CreatedAt, then Key.
	XPEntries(ctx context.Context, userID uuid.UUID, q XPQuery) ([]XPEntry, error)
}

// XPQuery filters XPEntries. A zero From or To leaves that end open.
type XPQuery struct {
	From, To civil.Date
	Page     Page
}

// AchievementStore keeps unlocked achievements.
type AchievementStore interface {
	// UnlockAchievement inserts a unless the user has a.Code, atomically. It
	// returns the stored achievement, which keeps its first date when
	// created is false.
	UnlockAchievement(ctx context.Context, a Achievement) (stored Achievement, created bool, err error)
	// Achievements lists the user's achievements ordered by UnlockedAt,
	// then Code.
	Achievements(ctx context.Context, userID uuid.UUID) ([]Achievement, error)
}

// ItemStore keeps timeline items.
type ItemStore interface {
	// CreateItem stores a new item. An item with the same ID is
	// ErrConflict; an unknown owner is ErrNotFound.
	CreateItem(ctx context.Context, it Item) error
	// Item returns the user's item, or ErrNotFound (also when the item
	// belongs to another user).
	Item(ctx context.Context, userID, itemID uuid.UUID) (Item, error)
	// UpdateItem replaces every field of the stored item it.ID except
	// UserID and CreatedAt, or returns ErrNotFound when the user has no
	// such item.
	UpdateItem(ctx context.Context, it Item) error
	// DeleteItem deletes the user's item and its events, or returns
	// ErrNotFound. XP the item earned stays in the ledger.
	DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error
	// Items lists the user's items ordered by CreatedAt, then ID.
	Items(ctx context.Context, userID uuid.UUID) ([]Item, error)
}

// EventStore keeps what happened to timeline occurrences.
type EventStore interface {
	// AddEvent inserts e unless its occurrence (e.ItemID, e.Date, e.Slot)
	// already holds an event in the same role (see [EventKind.Role]),
	// atomically.
	// It returns the stored event, which is the existing one, possibly of
	// another kind, when created is false. The item must belong to
	// e.UserID, else ErrNotFound.
	AddEvent(ctx context.Context, e Event) (stored Event, created bool, err error)
	// DeleteEvent deletes the event of kind on the occurrence (itemID,
	// date, slot) of the user and reports whether there was one.
	DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, date civil.Date, slot int, kind EventKind) (deleted bool, err error)
	// Events lists the user's events with Date in [from, to], ordered by
	// Date, then CreatedAt, then ID.
	Events(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]Event, error)
}

// Role returns the role an event of kind k plays on its occurrence:
// completed and skipped share the role "outcome", so an occurrence is never
// both, and postponed has the role "postponed". Stores keep at most one
// event per occurrence (item, date, slot) and role.
func (k EventKind) Role() string {
	if k == EventPostponed {
		return "postponed"
	}
	return "outcome"
}

// CredentialStore keeps each user's provider credentials, encrypted at rest.
type CredentialStore interface {
	// PutCredential upserts c on (UserID, Provider). A credential whose
	// (Provider, ExternalID) belongs to another user is ErrConflict.
	PutCredential(ctx context.Context, c Credential) error
	// Credential returns the user's credential at provider, or ErrNotFound.
	Credential(ctx context.Context, userID uuid.UUID, provider string) (Credential, error)
	// CredentialByExternalID returns the credential whose ExternalID at
	// provider is externalID, or ErrNotFound; it routes webhooks to users.
	CredentialByExternalID(ctx context.Context, provider, externalID string) (Credential, error)
	// DeleteCredential deletes the user's credential at provider, or
	// returns ErrNotFound.
	DeleteCredential(ctx context.Context, userID uuid.UUID, provider string) error
}

// ZoneStore keeps the history of each user's zone changes, which streaks
// need to tell a day a flight jumped over from a day the person missed.
type ZoneStore interface {
	// AddZoneChange inserts c unless the user has a change at c.At,
	// atomically (see insert-if-absent on [Store]), so a retried request
	// records a move once. It returns the stored change, which is the
	// existing one when created is false.
	AddZoneChange(ctx context.Context, c ZoneChange) (stored ZoneChange, created bool, err error)
	// ZoneChanges lists the user's zone changes ordered by At; an empty
	// slice when there are none, ErrNotFound when there is no such user.
	ZoneChanges(ctx context.Context, userID uuid.UUID) ([]ZoneChange, error)
}

// Store is every store port in one: what the Service needs, what the store
// package implements on Postgres and SQLite, what memstore implements in
// memory, and what the storetest package checks.
//
// The Service keeps its promises (complete, skip, postpone and undo are
// idempotent; concurrent requests award nothing twice; a crash leaves
// nothing half done) by running every write of a person's data as one unit
// of work ([Transactor.Update]) and every read on one snapshot
// ([SnapshotStore.Snapshot]). Besides, a store guarantees:
//
//   - Natural keys: each record type has the key its doc comment names, and
//     "Put" methods upsert on it: writing the same record twice leaves one.
//   - Insert-if-absent: AddEvent, AddXP, UnlockAchievement and
//     AddZoneChange are atomic. Of any number of concurrent calls with the
//     same key exactly one creates the record and reports created=true; all
//     others report false and return the record that won.
//   - All or nothing: a method that writes a slice writes all of it or none.
//   - Per-kind health writes: MergeHealthDays changes only the fields of
//     its kind, in one atomic step per day (one statement or transaction,
//     never a read in the caller followed by a write of the whole day), so
//     syncs of different kinds in several processes keep each other's
//     data.
//   - Validation: stores call the record's Validate and return its error
//     unchanged before writing; they never re-implement its rules.
//   - Ownership: a record of one user is never visible through another
//     user's id; reading it that way is ErrNotFound.
//   - Errors: a missing record is an error matching ErrNotFound, a duplicate
//     key on create matches ErrConflict, a write for a user that does not
//     exist matches ErrNotFound, and an unreachable backend matches
//     ErrUnavailable. Adapters map driver codes, never message text.
//   - Time: instants come back in UTC, truncated to the microsecond;
//     civil dates and clocks come back exactly; decimals come back with
//     the same value (decimal.Decimal.Equal).
//   - Ranges: from and to dates are inclusive; instant intervals are
//     half-open [start, end).
//   - Zone history: zone changes are keyed by (user, At) and listed in the
//     order they happened, whatever order they were added in; they are
//     never updated in place.
//   - Cascade: DeleteUser deletes every record of the user in every port,
//     zone changes included.
//   - Context: a cancelled or expired context stops the call with an error
//     matching the context's error, and writes nothing.
type Store interface {
	Transactor
	SnapshotStore
	UserStore
	HealthStore
	HeartRateStore
	SyncStateStore
	WorkStore
	WorkSourceStore
	ScoreStore
	XPStore
	AchievementStore
	ItemStore
	EventStore
	CredentialStore
	ZoneStore
	AccessStore
}

// HealthSource is where health data comes from: the oura package's adapter,
// or a fake in tests. It is read-only; the Service stores what it returns.
//
// Errors matching ErrUnauthorized (no or revoked credentials) and
// ErrUnavailable (the provider is down or rate-limited) let the Service
// report why a kind failed; anything else is reported as an internal
// failure of that kind.
type HealthSource interface {
	// Kinds returns the day-level kinds the source serves, in the order a
	// sync fetches them; a subset of [DayKinds].
	Kinds() []DataKind
	// Days returns the user's data of one day-level kind for the dates in
	// [from, to], both inclusive in the person's own calendar.
	Days(ctx context.Context, userID uuid.UUID, kind DataKind, from, to civil.Date) (HealthBatch, error)
	// HeartRate yields the user's heart-rate samples with instants in
	// [start, end), in batches ordered by time, holding one batch at a time.
	// A yielded error ends the stream; the batches before it are good.
	HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]HeartRateSample, error]
}

// WorkStatsSource delivers work-day statistics from a calendar or a time
// tracker.
type WorkStatsSource interface {
	// Name is the Source of every work day the source delivers: 1 to 32
	// bytes of lowercase letters, digits, '-' and '_', not SourceManual.
	Name() string
	// WorkDays returns the user's work days in [from, to]; dates without
	// work data are left out. A source that does not know a day's meeting
	// or break minutes leaves them nil rather than 0. For a person who has
	// not set the source up it returns an error matching
	// [ErrNotConfigured], and Sync passes over it.
	WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]WorkDay, error)
}

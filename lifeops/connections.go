package lifeops

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// SyncStatus is how far one kind of a person's data is synced.
type SyncStatus struct {
	Kind DataKind `json:"kind"`
	// Through is the last day written whole; zero when the kind was never
	// synced.
	Through  civil.Date `json:"last_good_day,omitzero"`
	SyncedAt time.Time  `json:"synced_at,omitzero"`
	// DaysBehind is how many days lie between Through and the person's
	// current day; nil when the kind was never synced.
	DaysBehind *int `json:"days_behind"`
	// Behind is set when one default sync cannot bring the kind up to
	// today (see [SyncRange.Behind]): a backfill is under way or due.
	Behind bool `json:"behind"`
	// Next is the range the next default sync of the kind fetches.
	Next SyncRange `json:"next"`
}

// SyncStatus reports, for every kind a sync fetches (or, without a health
// source, every kind stored), how far it is synced and what the next
// default sync fetches. It only reads.
func (s *Service) SyncStatus(ctx context.Context, userID uuid.UUID) ([]SyncStatus, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return nil, err
	}
	states, err := s.store.SyncStates(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("load sync state: %w", err)
	}
	through := map[DataKind]SyncState{}
	var kinds []DataKind
	for _, st := range states {
		through[st.Kind] = st
		kinds = append(kinds, st.Kind)
	}
	if s.health != nil {
		kinds = kinds[:0]
		for _, k := range s.health.Kinds() {
			if isDayKind(k) && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
		kinds = append(kinds, KindHeartRate)
		if s.work != nil {
			kinds = append(kinds, KindWork)
		}
	}
	days := map[DataKind]civil.Date{}
	for k, st := range through {
		days[k] = st.Through
	}
	ranges, err := s.syncRanges(p, SyncRequest{}, kinds, days)
	if err != nil {
		return nil, err
	}
	today := s.today(p)
	out := make([]SyncStatus, 0, len(ranges))
	for _, r := range ranges {
		st := SyncStatus{Kind: r.Kind, Behind: r.Behind, Next: r}
		if s, ok := through[r.Kind]; ok {
			st.Through, st.SyncedAt = s.Through, s.SyncedAt
			n := max(today.Sub(s.Through), 0)
			st.DaysBehind = &n
		}
		out = append(out, st)
	}
	return out, nil
}

// Disconnect deletes the person's credential at provider, in a unit of
// work of theirs: LifeOps stops reading from it. Their data stays.
// ErrNotFound when they are not connected.
func (s *Service) Disconnect(ctx context.Context, userID uuid.UUID, provider string) error {
	err := s.store.Update(ctx, userID, func(tx Store) error { return tx.DeleteCredential(ctx, userID, provider) })
	if err == nil {
		s.log.InfoContext(ctx, "provider disconnected", "user_id", userID, "provider", provider)
	}
	return err
}

// Users lists the people of the store, oldest first, one page at a time:
// for a scheduler that settles each person's days.
func (s *Service) Users(ctx context.Context, page Page) ([]User, error) {
	if page.Offset < 0 || page.Limit < 0 {
		return nil, invalid("page", "offset and limit must not be negative")
	}
	return s.store.Users(ctx, page)
}

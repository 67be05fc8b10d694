package timeline

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// OccurrenceKey identifies one occurrence: an item, the feed date the
// occurrence belongs to, and its slot on that date (see [Occurrence]).
type OccurrenceKey struct {
	ItemID uuid.UUID
	Date   civil.Date
	Slot   int
}

// Key returns the key of the occurrence e happened to.
func (e Event) Key() OccurrenceKey { return OccurrenceKey{e.ItemID, e.Date, e.Slot} }

func (k OccurrenceKey) compare(o OccurrenceKey) int {
	if c := bytes.Compare(k.ItemID[:], o.ItemID[:]); c != 0 {
		return c
	}
	if c := k.Date.Compare(o.Date); c != 0 {
		return c
	}
	return cmp.Compare(k.Slot, o.Slot)
}

// State is what the events of one occurrence say, folded by [Fold].
type State struct {
	Key OccurrenceKey
	// Settled is the completion or skip in force, the later of the two when
	// both were recorded; its Type is "" while the occurrence is open.
	Settled Event
	// Postponed is the postponement in force, the latest recorded; its Type
	// is "" when there is none. It moves the occurrence, to its To and
	// ToDate, whether or not the occurrence is settled.
	Postponed Event
}

// Outcome is EventCompleted or EventSkipped when the occurrence is settled,
// and "" while it is open.
func (s State) Outcome() EventType { return s.Settled.Type }

// MovedTo returns the feed date the occurrence now lies on: the date a
// postponement moved it to, else its own.
func (s State) MovedTo() civil.Date {
	if s.Postponed.Type == EventPostponed && !s.Postponed.ToDate.IsZero() {
		return s.Postponed.ToDate
	}
	return s.Key.Date
}

// States are the folded states of occurrences, made by [Fold].
type States struct {
	list  []State // ordered by key
	moved map[civil.Date][]int
}

// Fold folds events into the state of each occurrence they name. It is the
// one reading of an occurrence's events in LifeOps: the feed uses it, and so
// should everything that asks whether an occurrence was done.
//
// The events are taken in the order given, which must be the order they
// were recorded. An occurrence's latest completion or skip settles it, and
// its latest postponement is the one in force: it moves the occurrence
// whether the occurrence is settled or not. Nothing takes an event back:
// to undo, a store removes the occurrence's events, and a fold of what
// remains is the occurrence as it stands. A store that keeps at most one
// event of each type an occurrence, and never both a completion and a skip
// (as lifeops does), gets the same states in any order.
func Fold(events []Event) *States {
	s := &States{}
	for _, st := range fold(events, nil) {
		out := State{Key: OccurrenceKey{st.itemID, st.date, st.slot}}
		if st.settle >= 0 {
			out.Settled = events[st.settle]
		}
		if st.post >= 0 {
			out.Postponed = events[st.post]
			if d := out.MovedTo(); d != out.Key.Date {
				if s.moved == nil {
					s.moved = map[civil.Date][]int{}
				}
				s.moved[d] = append(s.moved[d], len(s.list))
			}
		}
		s.list = append(s.list, out)
	}
	return s
}

// Of returns the state of the occurrence with key k, and false when no
// event names it (the occurrence is open and where its schedule put it).
func (s *States) Of(k OccurrenceKey) (State, bool) {
	i, ok := slices.BinarySearchFunc(s.list, k, func(st State, k OccurrenceKey) int { return st.Key.compare(k) })
	if !ok {
		return State{}, false
	}
	return s.list[i], true
}

// All returns every state, ordered by item ID, date and slot.
func (s *States) All() []State { return slices.Clone(s.list) }

// MovedTo returns the states of the occurrences postponed from their own
// date to date d, ordered by key.
func (s *States) MovedTo(d civil.Date) []State {
	var out []State
	for _, i := range s.moved[d] {
		out = append(out, s.list[i])
	}
	return out
}

// occState is the fold of one occurrence's events, as indexes into the
// events folded (-1 for none), so that it holds no pointers.
type occState struct {
	key    occKey
	itemID uuid.UUID
	date   civil.Date
	slot   int
	// settle is the completion or skip in force, post the postponement in
	// force.
	settle, post int32
	// toDate is where the postponement moves it; zero when it stays on
	// date.
	toDate civil.Date
}

// moved reports whether a postponement is in force.
func (st *occState) moved() bool { return st.post >= 0 }

// fold is Fold on indexes: the states of the occurrences of the events that
// keep accepts (all when keep is nil), ordered by key.
func fold(events []Event, keep func(*Event) bool) []occState {
	type ref struct {
		key occKey
		i   int32
	}
	var refs []ref
	for i := range events {
		e := &events[i]
		if keep == nil || keep(e) {
			if refs == nil {
				refs = make([]ref, 0, len(events))
			}
			refs = append(refs, ref{keyOf(e.ItemID, e.Date.Days(), e.Slot), int32(i)})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	slices.SortFunc(refs, func(x, y ref) int {
		if c := x.key.compare(y.key); c != 0 {
			return c
		}
		return cmp.Compare(x.i, y.i) // as recorded
	})
	states := make([]occState, 0, len(refs))
	for k, r := range refs {
		e := &events[r.i]
		if k == 0 || r.key != refs[k-1].key {
			states = append(states, occState{key: r.key, itemID: e.ItemID, date: e.Date, slot: e.Slot, settle: -1, post: -1})
		}
		st := &states[len(states)-1]
		switch e.Type {
		case EventCompleted, EventSkipped:
			st.settle = r.i
		case EventPostponed:
			st.post = r.i
			st.toDate = civil.Date{}
			if e.ToDate != st.date {
				st.toDate = e.ToDate
			}
		}
	}
	return states
}

package timeline

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestSortFarApartStarts: the feed sorts integer keys built from the start
// second, which must not wrap however far apart the starts lie.
func TestSortFarApartStarts(t *testing.T) {
	t.Parallel()
	items := []Item{{ID: uuid.UUID{15: 1}, Title: "a"}, {ID: uuid.UUID{15: 2}, Title: "b"}, {ID: uuid.UUID{15: 3}, Title: "c"}}
	// Starts 2^44 seconds apart (about 557,000 years) are enough to wrap a
	// key that packs the second above 20 bits of index.
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	secs := []int64{base + 1<<44 + 10, base, base + 1<<44 - 10}
	b := &builder{in: FeedInput{Items: items}}
	for i, s := range secs {
		b.drafts = append(b.drafts, draft{sec: s, item: int32(i), state: -1})
	}
	var got []int64
	for _, i := range b.order() {
		got = append(got, b.drafts[i].sec)
	}
	if !slices.IsSorted(got) {
		t.Errorf("starts out of order: %v", got)
	}
}

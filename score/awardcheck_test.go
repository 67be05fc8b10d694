package score_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

func TestCheckAward(t *testing.T) {
	t.Parallel()
	base := func(n int64, more ...score.AwardPart) []score.AwardPart {
		return append([]score.AwardPart{{Name: "base", Points: n}}, more...)
	}
	tests := []struct {
		name   string
		kind   score.AwardKind
		points int64
		parts  []score.AwardPart
		field  string
	}{
		{"plain completion", score.KindCompletion, 10, base(10), ""},
		{"on time", score.KindCompletion, 12, base(10, score.AwardPart{Name: "on_time", Points: 2}), ""},
		{"on time and streak", score.KindCompletion, 17, base(10, score.AwardPart{Name: "on_time", Points: 2}, score.AwardPart{Name: "streak", Points: 5}), ""},
		{"largest", score.KindCompletion, score.MaxAwardPoints, base(score.MaxBasePoints, score.AwardPart{Name: "on_time", Points: 2000}, score.AwardPart{Name: "streak", Points: 5000}), ""},
		{"no parts", score.KindCompletion, 15, nil, ""},
		{"perfect day", score.KindPerfectDay, 25, []score.AwardPart{{Name: "perfect_day", Points: 25}}, ""},
		{"achievement without parts", score.KindAchievement, 50, nil, ""},
		{"base too big", score.KindCompletion, 15000, base(15000), "parts"},
		{"total too big", score.KindCompletion, 1_000_000, base(1_000_000), "points"},
		{"bonus not by the rule", score.KindCompletion, 15, base(10, score.AwardPart{Name: "on_time", Points: 5}), "parts"},
		{"streak bonus not by the rule", score.KindCompletion, 17, base(10, score.AwardPart{Name: "streak", Points: 7}), "parts"},
		{"bonus twice", score.KindCompletion, 14, base(10, score.AwardPart{Name: "on_time", Points: 2}, score.AwardPart{Name: "on_time", Points: 2}), "parts"},
		{"made-up part", score.KindCompletion, 11, base(10, score.AwardPart{Name: "luck", Points: 1}), "parts"},
		{"parts wrap around", score.KindCompletion, 10, base(10, score.AwardPart{Name: "streak", Points: math.MaxInt64}, score.AwardPart{Name: "on_time", Points: math.MinInt64 + 1}), "parts"},
		{"negative", score.KindCompletion, -5, base(-5), "points"},
		{"perfect day of 1000", score.KindPerfectDay, 1000, []score.AwardPart{{Name: "perfect_day", Points: 1000}}, "points"},
		{"achievement of 49", score.KindAchievement, 49, nil, "points"},
		{"sum differs", score.KindCompletion, 11, base(10), "parts"},
		{"unknown kind", "grant", 10, nil, "kind"},
	}
	for _, tt := range tests {
		err := score.CheckAward(tt.kind, tt.points, tt.parts)
		var ve *score.ValidationError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s: %v, want no error", tt.name, err)
		case tt.field != "" && (!errors.As(err, &ve) || ve.Field != tt.field || !errors.Is(err, score.ErrInvalid)):
			t.Errorf("%s: %v, want a validation error for %q", tt.name, err, tt.field)
		}
	}
	// Every award the rules give passes.
	for _, c := range []score.Completion{{ItemID: "a", Date: civil.D(2026, 1, 1), Difficulty: score.Hard, OnTime: true, Streak: 40}, {ItemID: "b", Date: civil.D(2026, 1, 1), Difficulty: score.Trivial, Streak: 8}} {
		a, err := score.CompletionAward(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := score.CheckAward(a.Kind, a.Points, a.Parts); err != nil {
			t.Errorf("CheckAward refuses the award %+v: %v", a, err)
		}
	}
}

// An award read from outside is checked against the rules before it is
// trusted.
func ExampleCheckAward() {
	fmt.Println(score.CheckAward(score.KindCompletion, 12, []score.AwardPart{{Name: "base", Points: 10}, {Name: "on_time", Points: 2}}))
	fmt.Println(score.CheckAward(score.KindCompletion, 1_000_000, nil))
	// Output:
	// <nil>
	// invalid points: a completion award is 0 to 17000 points, got 1000000
}

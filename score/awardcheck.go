package score

import "fmt"

// MaxAwardPoints is the most points one award can carry: a completion of
// an item worth MaxBasePoints, on time, on a streak of five weeks or more.
const MaxAwardPoints = MaxBasePoints + MaxBasePoints*OnTimeBonusPercent/100 + MaxBasePoints*StreakBonusMaxPercent/100

// CheckAward reports whether an award of kind, with these points and
// parts, is one the rules of this package can give, as a
// [*ValidationError] for "kind", "points" or "parts". Use it on awards
// that come from outside (an imported ledger): a completion is its base
// points (0 to MaxBasePoints) plus, optionally, the on-time bonus and a
// streak bonus computed from that base; the other kinds carry their fixed
// points. Parts may be left out (older ledgers), and then only the total
// is checked against the kind's largest award. No sum wraps around.
func CheckAward(kind AwardKind, points int64, parts []AwardPart) error {
	var p problems
	most := int64(0)
	switch kind {
	case KindCompletion:
		most = MaxAwardPoints
	case KindPerfectDay:
		most = PerfectDayPoints
	case KindHighLifeScore:
		most = HighLifeScorePoints
	case KindAchievement:
		most = AchievementPoints
	default:
		p.add("kind", "must be completion, perfect_day, high_life_score or achievement, got %q", string(kind))
		return p.err()
	}
	if points < 0 || points > most {
		p.add("points", "a %s award is 0 to %d points, got %d", kind, most, points)
		return p.err()
	}
	if len(parts) == 0 {
		if kind != KindCompletion && points != most {
			p.add("points", "a %s award is %d points, got %d", kind, most, points)
		}
		return p.err()
	}
	if why := checkParts(kind, parts); why != "" {
		p.add("parts", "%s", why)
		return p.err()
	}
	if sum := sumParts(parts); sum != points {
		p.add("parts", "must add up to points (%d), got %d", points, sum)
	}
	return p.err()
}

// checkParts says why parts cannot make an award of kind, or returns "".
// Every part is bounded before any sum is taken.
func checkParts(kind AwardKind, parts []AwardPart) string {
	if kind != KindCompletion {
		want := map[AwardKind]AwardPart{
			KindPerfectDay:    {Name: "perfect_day", Points: PerfectDayPoints},
			KindHighLifeScore: {Name: "high_life_score", Points: HighLifeScorePoints},
			KindAchievement:   {Name: "achievement", Points: AchievementPoints},
		}[kind]
		if len(parts) != 1 || parts[0] != want {
			return fmt.Sprintf("a %s award is the one part %s of %d points", kind, want.Name, want.Points)
		}
		return ""
	}
	if parts[0].Name != "base" || parts[0].Points < 0 || parts[0].Points > MaxBasePoints {
		return fmt.Sprintf("a completion starts with its base points, 0 to %d", MaxBasePoints)
	}
	base := parts[0].Points
	seen := map[string]bool{}
	for _, part := range parts[1:] {
		if seen[part.Name] {
			return fmt.Sprintf("a completion has at most one %.32q bonus", part.Name)
		}
		seen[part.Name] = true
		switch part.Name {
		case "on_time":
			if part.Points != bonus(base, OnTimeBonusPercent) {
				return fmt.Sprintf("the on-time bonus of base %d is %d points, got %d", base, bonus(base, OnTimeBonusPercent), part.Points)
			}
		case "streak":
			ok := false
			for pct := StreakBonusPercentPerWeek; pct <= StreakBonusMaxPercent; pct += StreakBonusPercentPerWeek {
				ok = ok || part.Points == bonus(base, pct)
			}
			if !ok {
				return fmt.Sprintf("a streak bonus of base %d is %d%% to %d%% of it in steps of %d%%, got %d points",
					base, StreakBonusPercentPerWeek, StreakBonusMaxPercent, StreakBonusPercentPerWeek, part.Points)
			}
		default:
			return fmt.Sprintf("a completion's parts are base, on_time and streak, got %.32q", part.Name)
		}
	}
	return ""
}

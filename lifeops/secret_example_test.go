package lifeops_test

import (
	"fmt"

	"github.com/lifeops/lifeops/lifeops"
)

// A Secret prints as [redacted] with every verb, alone or deep inside
// other values; Reveal hands the value to the code that uses it.
func ExampleSecret() {
	c := lifeops.Credential{Provider: "oura", AccessToken: lifeops.NewSecret("tok-123")}
	fmt.Printf("%v | %x | %d\n", c.AccessToken, c.AccessToken, []lifeops.Secret{c.AccessToken})
	fmt.Println(struct{ c lifeops.Credential }{c}.c.AccessToken, len(c.AccessToken.Reveal()))
	// Output:
	// [redacted] | [redacted] | [[redacted]]
	// [redacted] 7
}

// An XP entry from outside (an imported ledger) is checked against the
// award rules: a completion's bonuses follow from its base points.
func ExampleXPEntry_CheckAward() {
	e := lifeops.XPEntry{Kind: "completion", Points: 12, Parts: []lifeops.XPPart{{Name: "base", Points: 10}, {Name: "on_time", Points: 2}}}
	fmt.Println(e.CheckAward())
	e.Points, e.Parts = 1_000_000, nil
	fmt.Println(e.CheckAward())
	// Output:
	// <nil>
	// invalid points: a completion award is 0 to 17000 points, got 1000000
}

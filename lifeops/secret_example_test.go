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

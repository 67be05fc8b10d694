package score

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// unwieldy reports whether v is too big, too precise or too long to
// compare or print cheaply: a coefficient of more than 256 bits, more than
// 40 decimal places, or, when it is not zero, an exponent above maxExp (so
// at least 10^(maxExp+1)). A value such as 1e999999999 is a few bytes, but
// comparing it with 100 builds a billion digits; checks call unwieldy
// first and refuse such a value at once.
func unwieldy(v decimal.Decimal, maxExp int32) bool {
	if v.IsZero() {
		return false
	}
	return v.Coefficient().BitLen() > 256 || v.Exponent() < -40 || v.Exponent() > maxExp
}

// short spells v for a message: as it is unless unwieldy, else its
// exponent and size only.
func short(v decimal.Decimal) string {
	if !unwieldy(v, 20) {
		return v.String()
	}
	return fmt.Sprintf("a number with a %d-bit coefficient and exponent %d", v.Coefficient().BitLen(), v.Exponent())
}

package lifeops

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The rules here are shared by the Validate methods, so that every store
// that calls Validate (memstore and the SQL stores alike) accepts and
// refuses the same inputs, whatever it could physically hold.

// textProblem says why s cannot be a stored text, or returns "": every
// string a record holds is valid UTF-8 without NUL bytes, which the SQL
// stores could not keep exactly and memstore must refuse as they do.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "must not contain NUL bytes"
	}
	return ""
}

// checkText adds a problem for field when s is not storable text.
func (p *problems) checkText(field, s string) {
	if why := textProblem(s); why != "" {
		p.add(field, "%s", why)
	}
}

// hasControl reports whether s holds a control character (C0, DEL or C1),
// which names and titles must not: they break the lines and tables they are
// shown in.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// maxDecimalPlaces and maxDecimalBits bound every decimal a record holds:
// enough for any score, weight or contributor a computation gives, and
// small enough that comparing, printing and storing one stays cheap. A
// number such as 1e999999999 parses into a few bytes, but comparing it with
// 100 or printing it would build a billion digits.
const (
	maxDecimalPlaces = 40
	maxDecimalBits   = 256
)

// decimalProblem says why v is not a number between lo and hi with at most
// places decimal places, or returns "". It looks at the exponent and the
// size of the coefficient before comparing, so a huge exponent is refused
// at once.
func decimalProblem(v decimal.Decimal, lo, hi int64, places int32) string {
	bounds := fmt.Sprintf("must be a number between %d and %d with at most %d decimal places", lo, hi, places)
	if v.IsZero() {
		if lo > 0 || hi < 0 {
			return bounds
		}
		return ""
	}
	if v.Coefficient().BitLen() > maxDecimalBits || v.Exponent() < -maxDecimalPlaces || v.Exponent() > 20 {
		return bounds
	}
	// The exponent is small now, so the comparisons below are cheap.
	if v.LessThan(decimal.NewFromInt(lo)) || v.GreaterThan(decimal.NewFromInt(hi)) || !v.Equal(v.Truncate(places)) {
		return bounds
	}
	return ""
}

// shortDecimal spells v for an error message: as it is when it is short,
// else as a prefix of its coefficient and its exponent, so that a message
// never carries thousands of digits.
func shortDecimal(v decimal.Decimal) string {
	if v.Coefficient().BitLen() <= maxDecimalBits && v.Exponent() >= -maxDecimalPlaces && v.Exponent() <= 20 {
		return v.String()
	}
	if v.Coefficient().BitLen() > 4*maxDecimalBits {
		return fmt.Sprintf("a number of about %d digits", v.Coefficient().BitLen()*3/10)
	}
	c := v.Coefficient().String()
	e := int64(v.Exponent()) + int64(len(c)) - 1
	if len(c) > 12 {
		c = c[:12]
	}
	sign, c := "", strings.TrimPrefix(c, "-")
	if v.IsNegative() {
		sign = "-"
	}
	if len(c) > 1 {
		c = c[:1] + "." + c[1:] + "…"
	}
	return fmt.Sprintf("%s%se%d", sign, c, e)
}

package civil_test

import (
	"fmt"

	"github.com/lifeops/lifeops/lifeops/civil"
)

func ExampleDate_AddDays() {
	d := civil.MustParseDate("2024-02-28")
	fmt.Println(d.AddDays(1), d.AddDays(2), d.AddDays(2).Weekday())
	// Output: 2024-02-29 2024-03-01 Friday
}

func ExampleDate_Sub() {
	fmt.Println(civil.MustParseDate("2026-03-09").Sub(civil.MustParseDate("2026-03-07")))
	// Output: 2
}

func ExampleParseDate() {
	_, err := civil.ParseDate("2026-02-29")
	fmt.Println(err)
	// Output: civil: invalid value: date "2026-02-29" does not exist
}

func ExampleParseClock() {
	c, _ := civil.ParseClock("06:45")
	fmt.Println(c, c.Minutes())
	// Output: 06:45 405
}

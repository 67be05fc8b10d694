// Package pgdsn reads the two spellings of a PostgreSQL connection string, a
// postgres:// URL and libpq's keyword/value form ("host=… dbname=…"), for
// the store and its test helpers, so that both tell them apart and hide
// their passwords the same way.
package pgdsn

import (
	"net/url"
	"regexp"
)

// keywordValue matches libpq's keyword/value form of a Postgres DSN, told
// from a file name by its first keyword.
var keywordValue = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|sslrootcert|sslcert|sslkey|connect_timeout|application_name|options|target_session_attrs)\s*=`)

// keywordPassword matches the password of a keyword/value DSN, quoted or
// not.
var keywordPassword = regexp.MustCompile(`(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// urlPassword matches the password in the user information of a URL.
var urlPassword = regexp.MustCompile(`^([^:/?#]+://[^:/?#@]*:)[^@/?#]*@`)

// KeywordValue reports whether s is a Postgres DSN in libpq's keyword/value
// form ("host=127.0.0.1 dbname=lifeops") rather than a URL or a file name.
func KeywordValue(s string) bool { return keywordValue.MatchString(s) }

// Redact returns s with the password of a URL or keyword/value DSN replaced
// by xxxxx, even when the URL does not parse; anything else comes back as
// it is.
func Redact(s string) string {
	if KeywordValue(s) {
		return keywordPassword.ReplaceAllString(s, "${1}xxxxx")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil: // unparsable, but it may still carry user:password@
		return urlPassword.ReplaceAllString(s, "${1}xxxxx@")
	case u.User == nil:
		return s
	}
	return u.Redacted()
}

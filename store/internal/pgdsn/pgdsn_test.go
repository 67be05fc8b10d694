package pgdsn

import "testing"

func TestRedact(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"postgres://u:s3cret@h:5432/db", "postgres://u:xxxxx@h:5432/db"},
		{"postgres://u:s3cret@h:notaport/db", "postgres://u:xxxxx@h:notaport/db"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"host=h user=u password=s3cret dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"host=h password = 's3 cret\\' x' dbname=db", "host=h password = xxxxx dbname=db"},
		{"lifeops.db", "lifeops.db"},
		{"file:lifeops.db?mode=ro", "file:lifeops.db?mode=ro"},
	} {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeywordValue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"host=127.0.0.1 dbname=test", true},
		{"  dbname = 'life ops' ", true},
		{"postgres://u@h/db", false},
		{"lifeops.db", false},
		{"hostname.db", false},
	} {
		if got := KeywordValue(tt.in); got != tt.want {
			t.Errorf("KeywordValue(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

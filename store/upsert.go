package store

import (
	"slices"
	"strings"

	"github.com/uptrace/bun"
)

// upsert turns an insert into an upsert on the conflict columns: every
// other column of the model is replaced by the new value. The syntax,
// ON CONFLICT (…) DO UPDATE SET c = EXCLUDED.c, is the same on Postgres
// and SQLite.
func upsert(q *bun.InsertQuery, conflict ...string) *bun.InsertQuery {
	q = q.On("CONFLICT (" + strings.Join(conflict, ", ") + ") DO UPDATE")
	tm, ok := q.GetModel().(bun.TableModel)
	if !ok {
		panic("store: upsert needs a table model")
	}
	for _, f := range tm.Table().Fields {
		if slices.Contains(conflict, f.Name) {
			continue
		}
		q = q.Set("? = EXCLUDED.?", bun.Ident(f.Name), bun.Ident(f.Name))
	}
	return q
}

package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/lifeops/lifeops/lifeops"
)

// ErrUnsupported is returned by operations a backend does not offer, such
// as Backup on Postgres.
var ErrUnsupported = errors.New("store: not supported by this backend")

// Backup writes a consistent copy of a SQLite store to path with VACUUM
// INTO, while the store stays in use. path must be a file path (or a
// file: URL without parameters) that does not exist; a URL of any other
// kind, or a SQLite URI that is not a plain file, is refused with a
// *lifeops.ValidationError. To restore, stop the program and put the copy
// in place of the database file (removing any -wal and -shm files beside
// it), or Open the copy directly.
//
// Backup is the bare copy; BackupTo makes a backup of either backend with
// a manifest that VerifyBackup checks and RestoreFrom restores. On
// Postgres Backup returns an error matching ErrUnsupported.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return &Error{Op: "backup", Code: lifeops.CodeInvalid, Err: fmt.Errorf("%w: use BackupTo, which runs pg_dump or writes a logical backup", ErrUnsupported)}
	}
	target, err := fileTarget("path", path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(target); err == nil {
		return &Error{Op: "backup", Code: lifeops.CodeConflict, Err: fmt.Errorf("%s already exists", target)}
	}
	return db.retry(ctx, "backup", func(ctx context.Context) error {
		_, err := db.bun.ExecContext(ctx, "VACUUM INTO ?", target)
		return err
	})
}

// CopyResult counts the users CopyUsers moved and what it wrote for them.
type CopyResult struct {
	// Users counts the people written: new at the destination, or holding
	// something there that differs from the source.
	Users int
	// Unchanged counts the people the destination already held exactly as
	// the source does; nothing of theirs was written.
	Unchanged int
	ImportResult
}

// CopyUsers copies every user of from, with all their records, into to,
// one user at a time, in the order of from.Users. It exports each person
// from both stores and writes only what the destination lacks or holds
// otherwise (records compare by value, so a decimal that the backends
// spell differently is the same), in one transaction per person when to
// is a *DB: copying again writes nothing that is unchanged, and an
// interrupted copy is completed by running it again. Records the
// destination holds that the source does not are kept. opts says whether
// credentials move too.
func CopyUsers(ctx context.Context, from, to lifeops.Store, opts *ExportOptions) (CopyResult, error) {
	var res CopyResult
	const page = 100
	for offset := 0; ; offset += page {
		users, err := from.Users(ctx, lifeops.Page{Offset: offset, Limit: page})
		if err != nil {
			return res, fmt.Errorf("copy: list users: %w", err)
		}
		for _, u := range users {
			x, err := ExportUser(ctx, from, u.ID, opts)
			if err != nil {
				return res, fmt.Errorf("copy user %s: %w", u.ID, err)
			}
			r, changed, err := copyUser(ctx, to, x, opts)
			if err != nil {
				return res, fmt.Errorf("copy user %s: %w", u.ID, err)
			}
			if !changed {
				res.Unchanged++
				continue
			}
			res.Users++
			res.add(r)
		}
		if len(users) < page {
			return res, nil
		}
	}
}

// copyUser writes into to what of x it does not hold, reading and writing
// in one transaction when to is a *DB, and reports whether it wrote
// anything.
func copyUser(ctx context.Context, to lifeops.Store, x *Export, opts *ExportOptions) (ImportResult, bool, error) {
	var r ImportResult
	var changed bool
	apply := func(dst lifeops.Store) error {
		y, err := ExportUser(ctx, dst, x.User.ID, opts)
		switch {
		case errors.Is(err, lifeops.ErrNotFound):
			y = nil
		case err != nil:
			return err
		}
		d, userChanged := exportDiff(x, y)
		if d == nil {
			changed = false
			return nil
		}
		changed = true
		if y != nil && !userChanged {
			dst = keepUser{dst} // the person's row is as it should be
		}
		// A copy keeps the person's ID and writes over what the
		// destination holds of them: the import's explicit Replace.
		r, err = ImportUser(ctx, dst, d, &ImportOptions{Replace: true})
		return err
	}
	if db, ok := to.(*DB); ok {
		err := db.InTx(ctx, func(tx *DB) error { return apply(tx) })
		return r, changed, err
	}
	err := apply(to)
	return r, changed, err
}

// keepUser is a destination store whose UpdateUser does nothing: an
// import of a person's changed records through it leaves their unchanged
// row alone.
type keepUser struct{ lifeops.Store }

func (keepUser) UpdateUser(context.Context, lifeops.User) error { return nil }

// exportDiff returns the document of what x holds that y (the same
// person's export from the destination; nil when they are not there)
// lacks or holds otherwise, and whether the person's own record differs;
// nil when y holds all of x.
func exportDiff(x, y *Export) (*Export, bool) {
	if y == nil {
		return x, true
	}
	d := &Export{Format: x.Format, Version: x.Version, ExportedAt: x.ExportedAt, User: x.User}
	userChanged := !sameJSON(x.User, y.User)
	if x.Goals != nil && (y.Goals == nil || !sameJSON(x.Goals, y.Goals)) {
		d.Goals = x.Goals
	}
	for _, c := range x.Credentials {
		if !slices.ContainsFunc(y.Credentials, func(o lifeops.Credential) bool { return sameCredential(c, o) }) {
			d.Credentials = append(d.Credentials, c)
		}
	}
	d.HealthDays = missing(x.HealthDays, y.HealthDays)
	d.RawDocuments = missing(x.RawDocuments, y.RawDocuments)
	d.HeartRate = missing(x.HeartRate, y.HeartRate)
	d.SyncStates = missing(x.SyncStates, y.SyncStates)
	d.WorkDays = missing(x.WorkDays, y.WorkDays)
	d.Scores = missing(x.Scores, y.Scores)
	d.XP = missing(x.XP, y.XP)
	d.Achievements = missing(x.Achievements, y.Achievements)
	d.Items = missing(x.Items, y.Items)
	d.Events = missing(x.Events, y.Events)
	d.ZoneChanges = missing(x.ZoneChanges, y.ZoneChanges)
	if !userChanged && d.Goals == nil && len(d.Credentials)+len(d.HealthDays)+len(d.RawDocuments)+len(d.HeartRate)+
		len(d.SyncStates)+len(d.WorkDays)+len(d.Scores)+len(d.XP)+len(d.Achievements)+len(d.Items)+len(d.Events)+len(d.ZoneChanges) == 0 {
		return nil, false
	}
	return d, userChanged
}

// missing returns the records of src that dst does not hold with the same
// value, compared by their export encoding.
func missing[T any](src, dst []T) []T {
	have := make(map[string]bool, len(dst))
	for _, r := range dst {
		have[jsonKey(r)] = true
	}
	var out []T
	for _, r := range src {
		if !have[jsonKey(r)] {
			out = append(out, r)
		}
	}
	return out
}

func jsonKey(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %p", &v) // never equal: written again
	}
	return string(b)
}

func sameJSON(a, b any) bool { return jsonKey(a) == jsonKey(b) }

// sameCredential compares credentials field by field, tokens included,
// whatever their JSON form shows.
func sameCredential(a, b lifeops.Credential) bool {
	return a.Provider == b.Provider && a.ExternalID == b.ExternalID && a.AccessToken.Equal(b.AccessToken) &&
		a.RefreshToken.Equal(b.RefreshToken) && a.TokenType == b.TokenType && a.Expiry.Equal(b.Expiry) &&
		slices.Equal(a.Scopes, b.Scopes) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func (c *CopyResult) add(r ImportResult) {
	c.Credentials += r.Credentials
	c.HealthDays += r.HealthDays
	c.RawDocuments += r.RawDocuments
	c.HeartRate += r.HeartRate
	c.SyncStates += r.SyncStates
	c.WorkDays += r.WorkDays
	c.Scores += r.Scores
	c.XP += r.XP
	c.Achievements += r.Achievements
	c.Items += r.Items
	c.Events += r.Events
	c.ZoneChanges += r.ZoneChanges
}

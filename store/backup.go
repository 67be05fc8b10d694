package store

import (
	"context"
	"errors"
	"fmt"
	"os"

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
		return &Error{Op: "backup", Kind: KindInvalid, Err: fmt.Errorf("%w: use BackupTo, which runs pg_dump or writes a logical backup", ErrUnsupported)}
	}
	target, err := fileTarget("path", path)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(target); err == nil {
		return &Error{Op: "backup", Kind: KindConflict, Err: fmt.Errorf("%s already exists", target)}
	}
	return db.retry(ctx, "backup", func(ctx context.Context) error {
		_, err := db.bun.ExecContext(ctx, "VACUUM INTO ?", target)
		return err
	})
}

// CopyResult counts the users CopyUsers moved and what it wrote for them.
type CopyResult struct {
	Users int
	ImportResult
}

// CopyUsers copies every user of from, with all their records, into to:
// ExportUser then ImportUser, one user at a time, in the order of
// from.Users. Like ImportUser it is idempotent, so an interrupted copy is
// completed by running it again. opts says whether credentials move too.
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
			r, err := ImportUser(ctx, to, x)
			if err != nil {
				return res, fmt.Errorf("copy user %s: %w", u.ID, err)
			}
			res.add(r)
		}
		if len(users) < page {
			return res, nil
		}
	}
}

func (c *CopyResult) add(r ImportResult) {
	c.Users += r.Users
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

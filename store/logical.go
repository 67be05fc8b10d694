package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// LogicalFormat and LogicalVersion identify a logical backup file: a
// header object (logicalHeader) followed by one export document
// (WriteExport) per person.
const (
	LogicalFormat  = "lifeops-logical-backup"
	LogicalVersion = 1
)

// logicalHeader opens a logical backup file.
type logicalHeader struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	Dialect       Dialect   `json:"dialect"`
	SchemaVersion string    `json:"schema_version"`
	Migrations    []string  `json:"migrations"`
	// Users is how many export documents follow.
	Users int `json:"users"`
	// Credentials says whether the documents carry the credentials, in
	// plaintext: only when the store had its key.
	Credentials bool `json:"credentials"`
}

// backupLogical writes every person's export document, all read in one
// snapshot, after a header with the snapshot's migration state.
func (db *DB) backupLogical(ctx context.Context, tmp string, m *Manifest) error {
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<16)
	withCredentials := db.opts.Keys != nil
	err = db.view(ctx, "backup", func(tx *DB) error {
		// An attempt that is run again starts the file again.
		if err := f.Truncate(0); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		w.Reset(f)
		q := tx.idb()
		var err error
		if m.Tables, err = tx.rowCounts(ctx, q); err != nil {
			return err
		}
		if m.Migrations, err = appliedMigrations(ctx, tx, q); err != nil {
			return err
		}
		m.SchemaVersion = lastOf(m.Migrations)
		if m.Omitted, err = db.logicalOmits(m.Tables, withCredentials); err != nil {
			return err
		}
		if db.dialect == Postgres {
			if err := q.QueryRowContext(ctx, "SELECT current_schema()").Scan(&m.Schema); err != nil {
				return err
			}
		}
		var ids []lifeops.User
		const page = 500
		for offset := 0; ; offset += page {
			users, err := tx.Users(ctx, lifeops.Page{Offset: offset, Limit: page})
			if err != nil {
				return fmt.Errorf("list users: %w", err)
			}
			ids = append(ids, users...)
			if len(users) < page {
				break
			}
		}
		h := logicalHeader{Format: LogicalFormat, Version: LogicalVersion, CreatedAt: m.CreatedAt, Dialect: db.dialect,
			SchemaVersion: m.SchemaVersion, Migrations: m.Migrations, Users: len(ids), Credentials: withCredentials}
		data, err := json.Marshal(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(append(data, '\n')); err != nil {
			return err
		}
		for _, u := range ids {
			x, err := ExportUser(ctx, tx, u.ID, &ExportOptions{Credentials: withCredentials, Now: func() time.Time { return m.CreatedAt }})
			if err != nil {
				return err
			}
			if err := WriteExport(w, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// logicalOmits names the tables whose rows a logical backup does not
// carry: those the library's migrations do not create (a host's, a job
// queue's), the migration bookkeeping (a restore migrates the target
// itself), and the credentials when the store has no key to open them.
func (db *DB) logicalOmits(tables map[string]int64, withCredentials bool) (map[string]string, error) {
	files, err := db.own().files()
	if err != nil {
		return nil, err
	}
	library, err := tablesAfter(files, "99999999999999")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for t := range tables {
		switch {
		case t == migrationsTable || t == migrationLocksTable:
			out[t] = "migration state: a restore migrates the target to this build's schema"
		case !slices.ContainsFunc(library, func(l string) bool { return strings.EqualFold(l, t) }):
			out[t] = "not a table of the library's schema: a logical backup carries the library's records only"
		case t == credentialsTable && !withCredentials:
			out[t] = "the store had no encryption key to open the credentials"
		}
	}
	return out, nil
}

// credentialsTable is the table of sealed credentials.
const credentialsTable = "credentials"

// logicalReader reads a logical backup file: its header, then one export
// document at a time.
type logicalReader struct {
	dec    *json.Decoder
	header logicalHeader
	read   int
}

func newLogicalReader(r io.Reader) (*logicalReader, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	dec.DisallowUnknownFields()
	lr := &logicalReader{dec: dec}
	if err := dec.Decode(&lr.header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	switch h := lr.header; {
	case h.Format != LogicalFormat:
		return nil, fmt.Errorf("header: format is %q, want %q", h.Format, LogicalFormat)
	case h.Version < 1 || h.Version > LogicalVersion:
		return nil, fmt.Errorf("header: version %d; this build reads versions 1 to %d", h.Version, LogicalVersion)
	case h.Users < 0:
		return nil, fmt.Errorf("header: %d users", h.Users)
	}
	return lr, nil
}

// next returns the next export document, or io.EOF after the last. A
// file that ends early or holds more documents than its header says is
// an error.
func (lr *logicalReader) next() (*Export, error) {
	if lr.read == lr.header.Users {
		if lr.dec.More() {
			return nil, fmt.Errorf("more than the %d documents the header announces", lr.header.Users)
		}
		if _, err := lr.dec.Token(); err != io.EOF {
			return nil, fmt.Errorf("data after the last document")
		}
		return nil, io.EOF
	}
	x, err := decodeExport(lr.dec)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("document %d of %d: %w", lr.read+1, lr.header.Users, err)
	}
	if err := x.check(); err != nil {
		return nil, fmt.Errorf("document %d of %d: %w", lr.read+1, lr.header.Users, err)
	}
	lr.read++
	return x, nil
}

// restoreLogical imports every document of a logical backup into db in
// one transaction, after removing every person when replace is set.
func (db *DB) restoreLogical(ctx context.Context, path string, replace bool) error {
	return db.InTx(ctx, func(tx *DB) error {
		if replace {
			for {
				users, err := tx.Users(ctx, lifeops.Page{Limit: 500})
				if err != nil {
					return err
				}
				if len(users) == 0 {
					break
				}
				for _, u := range users {
					if err := tx.DeleteUser(ctx, u.ID); err != nil {
						return err
					}
				}
			}
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		lr, err := newLogicalReader(f)
		if err != nil {
			return &BackupError{Path: path, Reason: "not a readable logical backup", Err: err}
		}
		for {
			x, err := lr.next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return &BackupError{Path: path, Reason: "not a readable logical backup", Err: err}
			}
			if _, err := ImportUser(ctx, tx, x, nil); err != nil {
				return fmt.Errorf("import user %s: %w", x.User.ID, err)
			}
		}
	})
}

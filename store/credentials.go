package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

type credentialRow struct {
	bun.BaseModel `bun:"table:credentials"`

	UserID       uuid.UUID      `bun:"user_id,pk"`
	Provider     string         `bun:"provider,pk"`
	ExternalID   sql.NullString `bun:"external_id"`
	AccessToken  []byte         `bun:"access_token"`
	RefreshToken []byte         `bun:"refresh_token"`
	KeyID        string         `bun:"key_id"`
	TokenType    string         `bun:"token_type"`
	Expiry       nullInstant    `bun:"expiry"`
	Scopes       jsonText       `bun:"scopes"`
	UpdatedAt    instant        `bun:"updated_at"`
}

// tokenAAD binds a sealed token to its row and field, so a sealed value
// copied into another user's row, or from the refresh into the access
// column, fails to open.
func tokenAAD(userID uuid.UUID, provider, field string) []byte {
	return []byte("lifeops/credential/" + userID.String() + "/" + provider + "/" + field)
}

func (db *DB) sealCredential(c lifeops.Credential) (credentialRow, error) {
	row := credentialRow{
		UserID: c.UserID, Provider: c.Provider, TokenType: c.TokenType,
		ExternalID: sql.NullString{String: c.ExternalID, Valid: c.ExternalID != ""},
		Expiry:     nullInstant(c.Expiry), UpdatedAt: instant(c.UpdatedAt),
	}
	keys := db.opts.Keys
	if keys == nil {
		return row, ErrNoKey
	}
	var err error
	if row.AccessToken, err = keys.Seal([]byte(c.AccessToken.Reveal()), tokenAAD(c.UserID, c.Provider, "access")); err != nil {
		return row, err
	}
	if !c.RefreshToken.IsZero() {
		if row.RefreshToken, err = keys.Seal([]byte(c.RefreshToken.Reveal()), tokenAAD(c.UserID, c.Provider, "refresh")); err != nil {
			return row, err
		}
	}
	row.KeyID = keys.Primary()
	row.Scopes, err = marshalJSON(c.Scopes, c.Scopes == nil)
	return row, err
}

func (db *DB) openCredential(r credentialRow) (lifeops.Credential, error) {
	c := lifeops.Credential{
		UserID: r.UserID, Provider: r.Provider, ExternalID: r.ExternalID.String, TokenType: r.TokenType,
		Expiry: utcOrZero(time.Time(r.Expiry)), UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
	keys := db.opts.Keys
	if keys == nil {
		return c, ErrNoKey
	}
	access, err := keys.Open(r.AccessToken, tokenAAD(r.UserID, r.Provider, "access"))
	if err != nil {
		return c, err
	}
	c.AccessToken = lifeops.NewSecret(string(access))
	if r.RefreshToken != nil {
		refresh, err := keys.Open(r.RefreshToken, tokenAAD(r.UserID, r.Provider, "refresh"))
		if err != nil {
			return c, err
		}
		c.RefreshToken = lifeops.NewSecret(string(refresh))
	}
	return c, unmarshalJSON(r.Scopes, &c.Scopes)
}

// credentialErr classifies a failure to seal or open a credential: a
// missing key is lifeops.CodeUnavailable (the store is not configured for
// credentials), a key that cannot open the value is lifeops.CodeInternal.
func credentialErr(op string, err error) error {
	if err == ErrNoKey {
		return &Error{Op: op, Code: lifeops.CodeUnavailable, Err: err}
	}
	return &Error{Op: op, Code: lifeops.CodeInternal, Err: err}
}

// PutCredential upserts c on (UserID, Provider), its tokens sealed with
// the primary key of Options.Keys. Without a Keyring it fails with an
// error matching ErrNoKey and writes nothing.
func (db *DB) PutCredential(ctx context.Context, c lifeops.Credential) error {
	if err := c.Validate(); err != nil {
		return err
	}
	row, err := db.sealCredential(c)
	if err != nil {
		return credentialErr("put credential", err)
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "put credential", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id", "provider").Exec(ctx)
		return err
	})
}

// Credential returns the user's credential at provider, tokens opened.
func (db *DB) Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error) {
	if !storableKeys(provider) {
		return lifeops.Credential{}, &Error{Op: "get credential", Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	return db.credential(ctx, "get credential", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("user_id = ? AND provider = ?", userID, provider)
	})
}

// CredentialByExternalID returns the credential whose ExternalID at
// provider is externalID.
func (db *DB) CredentialByExternalID(ctx context.Context, provider, externalID string) (lifeops.Credential, error) {
	if externalID == "" || !storableKeys(provider, externalID) {
		return lifeops.Credential{}, &Error{Op: "get credential", Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	return db.credential(ctx, "get credential", func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("provider = ? AND external_id = ?", provider, externalID)
	})
}

func (db *DB) credential(ctx context.Context, op string, where func(*bun.SelectQuery) *bun.SelectQuery) (lifeops.Credential, error) {
	var r credentialRow
	if err := db.read(ctx, op, func(ctx context.Context) error {
		return where(db.idb().NewSelect().Model(&r)).Scan(ctx)
	}); err != nil {
		return lifeops.Credential{}, err
	}
	c, err := db.openCredential(r)
	if err != nil {
		return lifeops.Credential{}, credentialErr(op, err)
	}
	return c, nil
}

// DeleteCredential deletes the user's credential at provider.
func (db *DB) DeleteCredential(ctx context.Context, userID uuid.UUID, provider string) error {
	if !storableKeys(provider) {
		return &Error{Op: "delete credential", Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	return db.retry(ctx, "delete credential", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*credentialRow)(nil)).
			Where("user_id = ? AND provider = ?", userID, provider).Exec(ctx)
		return affected(res, err)
	})
}

// RotateKeys re-seals every stored credential, and the secrets of every
// person's work-source settings, that are not sealed under the primary key
// of Options.Keys, and returns how many it re-sealed. Each
// pass is one transaction. A credential written meanwhile (a token
// refresh) keeps what that write stored; if it was sealed under an old
// key again, another pass re-seals it. Run RotateKeys after making a new
// key primary while the old one is still in the Keyring; once it returns
// without error, the old key may be dropped.
func (db *DB) RotateKeys(ctx context.Context) (int, error) {
	keys := db.opts.Keys
	if keys == nil {
		return 0, credentialErr("rotate keys", ErrNoKey)
	}
	total := 0
	for range 1 + max(db.opts.Retries, 1) {
		n, raced, err := db.rotatePass(ctx, keys)
		total += n
		if err != nil || !raced {
			return total, err
		}
	}
	return total, errorf("rotate keys", lifeops.CodeUnavailable, "credentials kept being rewritten under an old key: run RotateKeys again once every writer has the new Keyring")
}

// rotatePass re-seals, in one transaction, the credentials not sealed
// under the primary key. It reports raced when one of them was rewritten
// between its read and its update: that row is left as the other write
// stored it.
func (db *DB) rotatePass(ctx context.Context, keys *Keyring) (n int, raced bool, err error) {
	err = db.retry(ctx, "rotate keys", func(ctx context.Context) error {
		n, raced = 0, false
		return db.idb().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var rows []credentialRow
			if err := tx.NewSelect().Model(&rows).Where("key_id <> ?", keys.Primary()).Scan(ctx); err != nil {
				return err
			}
			for _, r := range rows {
				c, err := db.openCredential(r)
				if err != nil {
					return credentialErr("rotate keys", err)
				}
				sealed, err := db.sealCredential(c)
				if err != nil {
					return credentialErr("rotate keys", err)
				}
				// Replace only the version read here: on Postgres a
				// refresh that commits meanwhile makes this match nothing.
				res, err := tx.NewUpdate().Model(&sealed).Column("access_token", "refresh_token", "key_id").
					Where("user_id = ? AND provider = ? AND key_id = ? AND access_token = ?", r.UserID, r.Provider, r.KeyID, r.AccessToken).
					Exec(ctx)
				if err != nil {
					return err
				}
				k, err := res.RowsAffected()
				if err != nil {
					return err
				}
				n += int(k)
				raced = raced || k == 0
			}
			m, r, err := db.rotateWorkSources(ctx, tx, keys)
			n, raced = n+m, raced || r
			return err
		})
	})
	return n, raced, err
}

// Credentials returns every credential of the user, ordered by provider
// (byte order, whatever the server's collation), tokens opened.
func (db *DB) Credentials(ctx context.Context, userID uuid.UUID) ([]lifeops.Credential, error) {
	out, err := listOf(ctx, db, "list credentials", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q
	}, func(r credentialRow) (lifeops.Credential, error) {
		c, err := db.openCredential(r)
		if err != nil {
			return c, credentialErr("list credentials", err)
		}
		return c, nil
	})
	slices.SortFunc(out, func(a, b lifeops.Credential) int { return strings.Compare(a.Provider, b.Provider) })
	return out, err
}

package workstats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// Setup reads from r what the source named source needs to serve a
// person: their calendar (zone history and day-start hour) and their
// settings for the source, secrets opened. A person who has not set the
// source up gives an error matching [lifeops.ErrNotConfigured], so a sync
// passes over the source for them; an unknown person, lifeops.ErrNotFound.
func Setup(ctx context.Context, r lifeops.WorkSourceReader, userID uuid.UUID, source string) (Calendar, lifeops.WorkSourceSettings, error) {
	u, err := r.User(ctx, userID)
	if err != nil {
		return Calendar{}, lifeops.WorkSourceSettings{}, err
	}
	changes, err := r.ZoneChanges(ctx, userID)
	if err != nil {
		return Calendar{}, lifeops.WorkSourceSettings{}, err
	}
	ws, err := r.WorkSource(ctx, userID, source)
	if errors.Is(err, lifeops.ErrNotFound) {
		return Calendar{}, ws, fmt.Errorf("%s for %s: %w", source, userID, lifeops.ErrNotConfigured)
	}
	if err != nil {
		return Calendar{}, ws, err
	}
	return CalendarOf(u, changes), ws, nil
}

// DecodeSettings decodes a source's settings from JSON into v, refusing
// fields v does not have and anything after the object. Its errors are
// lifeops validation errors for field "settings" (or the field named in
// v's own UnmarshalJSON errors), with short reasons that never quote the
// input.
func DecodeSettings(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the settings")
	}
	if err == nil {
		return nil
	}
	var ve *lifeops.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return &lifeops.ValidationError{Field: te.Field, Reason: "must be a JSON " + jsonKind(te.Type.Kind().String())}
	case errors.As(err, &se):
		return &lifeops.ValidationError{Field: "settings", Reason: fmt.Sprintf("is not valid JSON (at byte %d)", se.Offset)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if len(name) > 60 {
			name = strings.ToValidUTF8(name[:60], "") + "…"
		}
		return &lifeops.ValidationError{Field: name, Reason: "is not a setting of this source"}
	}
	return &lifeops.ValidationError{Field: "settings", Reason: "must be a JSON object of the source's settings"}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

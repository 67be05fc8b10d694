package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/lifeops/lifeops/lifeops"
)

// DefaultBodyLimit is the largest request body a route takes unless it
// names its own limit (import does).
const DefaultBodyLimit = 1 << 20

// decode reads the JSON body of r into v: at most limit bytes (more is
// 413), one JSON value, no field v does not have (400), a JSON media type
// when one is named (else 415). The field of a type error is named.
func decode(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return errorf(codeMediaType, "Send the body as application/json.")
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return lifeops.WrapError(lifeops.CodeInvalid, err, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return &lifeops.ValidationError{Field: "body", Reason: "is required: send a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return &lifeops.ValidationError{Field: "body", Reason: "must hold one JSON value"}
	}
	return nil
}

// jsonError turns a decoding error into a validation error that names the
// field.
func jsonError(err error) error {
	var ve *lifeops.ValidationError
	if errors.As(err, &ve) {
		return err
	}
	if fes := lifeops.FieldErrors(err); len(fes) > 0 {
		return err
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "body"
		}
		return &lifeops.ValidationError{Field: field, Reason: fmt.Sprintf("must be a JSON %s", jsonKind(te.Type.Kind().String())), Err: err}
	case errors.As(err, &se):
		return &lifeops.ValidationError{Field: "body", Reason: fmt.Sprintf("is not valid JSON (at byte %d)", se.Offset), Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &lifeops.ValidationError{Field: "body", Reason: "is not valid JSON: it ends too soon", Err: err}
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &lifeops.ValidationError{Field: strings.Trim(f, `"`), Reason: "is not a field of this request", Err: err}
	}
	var fe interface{ Unwrap() error }
	if errors.As(err, &fe) {
		if ve := lifeops.FieldErrors(fe.Unwrap()); len(ve) > 0 {
			return fe.Unwrap()
		}
	}
	return &lifeops.ValidationError{Field: "body", Reason: "is not a valid request", Err: err}
}

func jsonKind(k string) string {
	switch k {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return k
}

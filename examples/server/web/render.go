package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
)

// pageBase is what every page's layout shows.
type pageBase struct {
	Title    string
	Nav      string // the current section, for aria-current
	SignedIn bool
	ReadOnly bool
	Name     string // the person's name
	Zone     string
	Flash    string // the message of the last action
	Path     string // the page's own path, for the forms' "back"
}

// base fills the layout's part of a page for the session s.
func (d *Dashboard) base(w http.ResponseWriter, r *http.Request, s *session, title, nav string) pageBase {
	b := pageBase{Title: title, Nav: nav, Path: r.URL.RequestURI()}
	if s != nil {
		b.SignedIn, b.ReadOnly, b.Name, b.Zone = true, s.readOnly, s.profile.Name, s.profile.Zone
		b.Flash = d.takeFlash(w, r)
	}
	return b
}

// pageNames are the templates of the pages; each is parsed with the
// layout.
var pageNames = []string{"signin", "error", "today", "trends", "items", "item", "confirm", "achievements", "profile", "devices", "oura"}

// parsePages parses every page with the layout and the functions.
func parsePages(assets map[string]string) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			h, ok := assets[name]
			if !ok {
				return "", fmt.Errorf("no asset %q", name)
			}
			return Prefix + "static/" + name + "?v=" + h, nil
		},
	}
	for k, v := range viewFuncs {
		funcs[k] = v
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes the page name with status.
func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) error {
	var buf bytes.Buffer
	if err := d.pages[name].ExecuteTemplate(&buf, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// Errors of the dashboard itself.
var (
	errNotFound    = lifeops.Errorf(lifeops.CodeNotFound, "There is no such page.")
	errReadOnly    = &pageError{status: http.StatusForbidden, msg: "You signed in with a read-only token: nothing can be changed in this session."}
	errCrossOrigin = &pageError{status: http.StatusForbidden, msg: "The form was sent from another site, so it was refused."}
)

// pageError is an error of the dashboard with its status and a message
// safe to show.
type pageError struct {
	status int
	msg    string
}

func (e *pageError) Error() string { return e.msg }

// statusOf maps an error to its status: the lifeops codes as the API maps
// them.
func statusOf(err error) (int, string) {
	var pe *pageError
	if errors.As(err, &pe) {
		return pe.status, pe.msg
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge, "The form is too large."
	}
	msg := lifeops.ErrorMessage(err)
	switch lifeops.ErrorCode(err) {
	case lifeops.CodeInvalid:
		return http.StatusBadRequest, msg
	case lifeops.CodeNotFound:
		return http.StatusNotFound, msg
	case lifeops.CodeConflict:
		if errors.Is(err, lifeops.ErrStale) {
			return http.StatusPreconditionFailed, "Someone changed this in the meantime; reload and try again."
		}
		return http.StatusConflict, msg
	case lifeops.CodeUnauthorized:
		return http.StatusUnauthorized, msg
	case lifeops.CodeUnavailable:
		return http.StatusServiceUnavailable, msg
	}
	return http.StatusInternalServerError, "Something went wrong on the server; it was logged."
}

// errorView is the error page.
type errorView struct {
	pageBase
	Status  int
	Message string
	Fields  []fieldError
	Request string
}

// fieldError is one field a form got wrong; Href and Label point the
// error summary at the field.
type fieldError struct{ Field, Message, Href, Label string }

// errorPage answers err as a page, logging what the person must not see.
func (d *Dashboard) errorPage(w http.ResponseWriter, r *http.Request, s *session, err error) {
	status, msg := statusOf(err)
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	id := api.RequestIDFrom(r.Context())
	d.log.LogAttrs(r.Context(), level, "page failed", slog.String("request_id", id), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.String("error", err.Error()))
	v := &errorView{pageBase: d.base(w, r, s, http.StatusText(status), ""), Status: status, Message: msg, Request: id}
	for _, fe := range lifeops.FieldErrors(err) {
		v.Fields = append(v.Fields, fieldError{Field: fe.Field, Message: fe.Reason})
	}
	if err := d.render(w, r, status, "error", v); err != nil {
		d.log.LogAttrs(r.Context(), slog.LevelError, "error page failed", slog.String("error", err.Error()))
		http.Error(w, msg, status)
	}
}

// hashAssets returns the short content hash of every static file.
func hashAssets(static fs.FS) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(static, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[p] = hex.EncodeToString(h[:6])
		return nil
	})
	return out, err
}

// asset serves a static file; with the right ?v= it may be cached for a
// year, as its URL changes with its content.
func (d *Dashboard) asset(w http.ResponseWriter, r *http.Request, _ *session) error {
	name := r.PathValue("file")
	h, ok := d.assets[name]
	if !ok {
		return errNotFound
	}
	b, err := fs.ReadFile(d.static, name)
	if err != nil {
		return err
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", `"`+h+`"`)
	if r.URL.Query().Get("v") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if r.Header.Get("If-None-Match") == `"`+h+`"` {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
	return nil
}

// contribTable is what the "contributors" template shows.
type contribTable struct {
	Caption string
	Rows    []contribView
}

// formField is one field of a form and the form's errors.
type formField struct {
	ErrFor map[string]string
	Field  string
}

// viewFuncs are the templates' functions.
var viewFuncs = template.FuncMap{
	"join":  func(s []string) string { return strings.Join(s, ", ") },
	"table": func(caption string, rows []contribView) contribTable { return contribTable{caption, rows} },
	// field picks one field of a form for the "err" and "invalid"
	// templates.
	"field":   func(errFor map[string]string, name string) formField { return formField{ErrFor: errFor, Field: name} },
	"fieldID": fieldID,
}

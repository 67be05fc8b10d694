package api

import (
	"bytes"
	"context"
	_ "embed"
	"net/http"
	"strconv"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// OpenAPIDocument is the API's contract: the OpenAPI 3.1 document served
// at /openapi.json.
//
//go:embed openapi.json
var OpenAPIDocument []byte

func openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(OpenAPIDocument)))
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPIDocument)
	return nil
}

type healthResponse struct {
	Status  string `json:"status"`
	Version any    `json:"version,omitempty"`
}

func healthz(version any) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, healthResponse{Status: "ok", Version: version})
		return nil
	}
}

type readyResponse struct {
	Status string                 `json:"status"`
	Checks map[string]CheckResult `json:"checks"`
}

// checkTimeout bounds each readiness check.
const checkTimeout = 3 * time.Second

func readyz(checks []Check) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		out := readyResponse{Status: "ok", Checks: map[string]CheckResult{}}
		for _, c := range checks {
			ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
			res := c.Run(ctx)
			cancel()
			out.Checks[c.Name] = res
			switch res.Status {
			case "down":
				out.Status = "down"
			case "degraded":
				if out.Status == "ok" {
					out.Status = "degraded"
				}
			}
		}
		status := http.StatusOK
		if out.Status == "down" {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, out)
		return nil
	}
}

func metricsHandler(h http.Handler) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if h == nil {
			return errorf(string(lifeops.CodeNotFound), "Metrics are served on a listener of their own.")
		}
		h.ServeHTTP(w, r)
		return nil
	}
}

var errNoData = errorf(string(lifeops.CodeUnavailable), "Export and import are not configured on this server.")

func exportData(d DataPorter) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if d == nil {
			return errNoData
		}
		// The whole document is built before the first byte is sent, so a
		// failure is still a problem answer.
		var buf bytes.Buffer
		if err := d.Export(r.Context(), userOf(r), &buf); err != nil {
			return err
		}
		_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(5 * time.Minute))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Disposition", `attachment; filename="lifeops-export.json"`)
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.WriteHeader(http.StatusOK)
		_, _ = buf.WriteTo(w)
		return nil
	}
}

func importData(d DataPorter, limit int64) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if d == nil {
			return errNoData
		}
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(5 * time.Minute))
		res, err := d.Import(r.Context(), userOf(r), http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}

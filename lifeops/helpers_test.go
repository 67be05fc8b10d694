package lifeops_test

import (
	"fmt"
	"io"
	"log/slog"
)

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

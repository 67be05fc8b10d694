// Command server serves the LifeOps HTTP API (package
// examples/server/api): people, devices and tokens, Oura sync, scores and
// the game, the timeline with its calendar feed, export and import, health
// probes and Prometheus metrics, with the background work (settling each
// person's days, backfills, webhook syncs) in the same process.
//
//	go run ./examples/server [-addr 127.0.0.1:8080] [-data DIR] [-demo] [-metrics-addr ADDR] [-version]
//
// By default it keeps an embedded SQLite database in the data directory
// (./lifeops-data), migrates it, and listens on 127.0.0.1:8080. With -demo
// it adds a person with 60 days of ring data from an in-process fake Oura
// and a seeded timeline, and prints the export lines that give a shell the
// URL and a ready token.
//
// Environment:
//
//	LIFEOPS_ADDR               the address to listen on (-addr)
//	LIFEOPS_DATA_DIR           the data directory (-data)
//	LIFEOPS_DATABASE_URL       postgres://… to use Postgres, or a SQLite file (default DIR/lifeops.db)
//	LIFEOPS_ADMIN_TOKEN        the admin token (creates people, signs devices in)
//	LIFEOPS_JWT_KEY            base64 of at least 32 bytes that sign access tokens (default: DIR/jwt.key, made once)
//	LIFEOPS_ENCRYPTION_KEY     ID:BASE64[,ID:BASE64…] sealing Oura credentials (default: DIR/encryption.key, made once)
//	LIFEOPS_PUBLIC_URL         the URL clients reach the server at (calendar feed links, the Oura redirect)
//	LIFEOPS_OURA_CLIENT_ID     the Oura application, to connect rings by OAuth …
//	LIFEOPS_OURA_CLIENT_SECRET
//	LIFEOPS_OURA_BASE_URL      … and where Oura is (a fake in tests)
//	LIFEOPS_OURA_AUTH_URL
//	LIFEOPS_OURA_TOKEN_URL
//	LIFEOPS_OURA_WEBHOOK_TOKEN the verification token of Oura webhook subscriptions
//
// SIGINT or SIGTERM stops it gracefully: requests in flight complete (up
// to 10 seconds), the worker stops, the store closes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the zone database travels with the binary
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

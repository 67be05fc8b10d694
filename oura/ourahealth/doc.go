// Package ourahealth plugs the Oura client of package oura into LifeOps: its
// [Source] implements [lifeops.HealthSource] for every user whose Oura
// credential is in a [lifeops.CredentialStore].
//
// The adapter lives apart from the client so that a program that only wants
// to talk to Oura imports package oura and gets no LifeOps domain (lifeops,
// score, timeline, decimal): the arrow goes from this package to both, never
// from the client to the domain.
//
//	src, err := ourahealth.New(ourahealth.Config{Credentials: store, OAuth: app})
//	svc, err := lifeops.New(&lifeops.Config{Store: store, Health: src})
//
// The Source reads each user's credential from the store on every call and
// keeps one client per user while the stored credential is the one it
// holds. With an [oura.OAuthConfig] it refreshes expired tokens and stores
// every rotated refresh token before using it. Several processes may share
// one credential store: when two of them refresh one person's token at the
// same moment, Oura rotates it for one and refuses the other with
// invalid_grant; the refused one re-reads the stored credential and uses
// the token the other stored ([oura.WithReload], waiting up to
// Config.ReloadWait for it). Only a refresh token that is still the stored
// one after that is reported unauthorized. Errors carry LifeOps codes
// (unauthorized, unavailable, not found, invalid) with the Oura error kept in
// the chain for errors.As.
package ourahealth

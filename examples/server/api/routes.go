package api

// route is one row of the route table.
type route struct {
	// pattern is the ServeMux pattern, "METHOD /path/{wildcard}"; it is
	// the route's label in logs and metrics, and its operation in the
	// OpenAPI document.
	pattern string
	// auth says who may call it.
	auth authKind
	// strict routes take a secret in their body: each request costs a
	// token of the client address's strict bucket.
	strict bool
	// owned names the path wildcard that is the id of one of the person's
	// records: another person's id answers 404.
	owned string
	h     handlerFunc
}

// routes is the whole API surface.
func (a *API) routes() []route {
	svc := a.svc
	return []route{
		// Health and the contract.
		{pattern: "GET /healthz", h: healthz(a.cfg.Version)},
		{pattern: "GET /readyz", h: readyz(a.cfg.Checks)},
		{pattern: "GET /openapi.json", h: openAPI},
		{pattern: "GET /metrics", auth: authAdmin, h: metricsHandler(a.cfg.Metrics)},

		// People and their devices.
		{pattern: "POST /v1/users", auth: authAdmin, h: createUser(svc)},
		{pattern: "POST /v1/users/{id}/devices", auth: authAdmin, h: createDevice(a)},
		{pattern: "POST /v1/me/pairing-codes", auth: authPerson, h: createPairingCode(svc, a.now)},
		{pattern: "POST /v1/auth/pair", strict: true, h: pair(a)},
		{pattern: "POST /v1/auth/refresh", strict: true, h: refresh(a)},
		{pattern: "GET /v1/me/devices", auth: authPerson, h: listDevices(svc)},
		{pattern: "DELETE /v1/me/devices/{id}", auth: authPerson, owned: "id", h: deleteDevice(svc)},
		{pattern: "POST /v1/me/tokens", auth: authPerson, h: createToken(svc)},
		{pattern: "GET /v1/me/tokens", auth: authPerson, h: listTokens(svc)},
		{pattern: "DELETE /v1/me/tokens/{id}", auth: authPerson, owned: "id", h: deleteToken(svc)},
		{pattern: "GET /v1/me/profile", auth: authPerson, h: getProfile(svc)},
		{pattern: "PUT /v1/me/profile", auth: authPerson, h: putProfile(svc)},
		{pattern: "GET /v1/me/goals", auth: authPerson, h: getGoals(svc)},
		{pattern: "PUT /v1/me/goals", auth: authPerson, h: putGoals(svc)},

		// Health data and Oura.
		{pattern: "POST /v1/me/oura/sync", auth: authPerson, h: syncOura(a)},
		{pattern: "GET /v1/me/oura/sync", auth: authPerson, h: syncStatus(svc, a.cfg.Jobs)},
		{pattern: "POST /v1/me/oura/backfill", auth: authPerson, h: backfill(a.cfg.Jobs)},
		{pattern: "GET /v1/me/oura/connect", auth: authPerson, h: ouraConnect(a)},
		{pattern: "GET /oura/callback", h: ouraCallback(a)},
		{pattern: "GET /oura/webhook", h: ouraWebhook(a)},
		{pattern: "POST /oura/webhook", h: ouraWebhook(a)},
		{pattern: "PUT /v1/me/oura/connection", auth: authPerson, h: putConnection(a.cfg.Oura)},
		{pattern: "DELETE /v1/me/oura/connection", auth: authPerson, h: deleteConnection(svc)},
		{pattern: "GET /v1/me/health/days", auth: authPerson, h: healthDays(svc)},
		{pattern: "GET /v1/me/health/days/{date}", auth: authPerson, h: healthDay(svc)},

		// Work.
		{pattern: "PUT /v1/me/work/{date}", auth: authPerson, h: putWork(svc)},
		{pattern: "GET /v1/me/work", auth: authPerson, h: listWork(svc)},
		{pattern: "GET /v1/me/work/sources/{kind}", auth: authPerson, h: getWorkSource(svc)},
		{pattern: "PUT /v1/me/work/sources/{kind}", auth: authPerson, h: putWorkSource(svc)},
		{pattern: "DELETE /v1/me/work/sources/{kind}", auth: authPerson, h: deleteWorkSource(svc)},

		// Scores and the game.
		{pattern: "GET /v1/me/today", auth: authPerson, h: today(svc)},
		{pattern: "GET /v1/me/scores", auth: authPerson, h: scores(svc)},
		{pattern: "GET /v1/me/xp", auth: authPerson, h: xp(svc)},
		{pattern: "GET /v1/me/achievements", auth: authPerson, h: achievements(svc)},

		// The timeline.
		{pattern: "GET /v1/me/timeline", auth: authPerson, h: feed(svc)},
		{pattern: "GET /v1/me/timeline.ics", auth: authCalendar, h: calendarFeed(svc, a.now)},
		{pattern: "POST /v1/me/timeline/ics-token", auth: authPerson, h: rotateCalendar(a)},
		{pattern: "POST /v1/me/timeline/items", auth: authPerson, h: createItem(svc)},
		{pattern: "GET /v1/me/timeline/items", auth: authPerson, h: listItems(svc)},
		{pattern: "GET /v1/me/timeline/items/{id}", auth: authPerson, owned: "id", h: getItem(svc)},
		{pattern: "PATCH /v1/me/timeline/items/{id}", auth: authPerson, owned: "id", h: patchItem(svc)},
		{pattern: "DELETE /v1/me/timeline/items/{id}", auth: authPerson, owned: "id", h: deleteItem(svc)},
		{pattern: "POST /v1/me/timeline/items/{id}/complete", auth: authPerson, owned: "id", h: complete(svc)},
		{pattern: "POST /v1/me/timeline/items/{id}/skip", auth: authPerson, owned: "id", h: skip(svc)},
		{pattern: "POST /v1/me/timeline/items/{id}/postpone", auth: authPerson, owned: "id", h: postpone(svc)},
		{pattern: "DELETE /v1/me/timeline/items/{id}/events/{date}", auth: authPerson, owned: "id", h: undo(svc)},

		// Data.
		{pattern: "GET /v1/me/export", auth: authPerson, h: exportData(a.cfg.Data)},
		{pattern: "POST /v1/me/import", auth: authPerson, h: importData(a.cfg.Data, a.cfg.ImportLimit)},
	}
}

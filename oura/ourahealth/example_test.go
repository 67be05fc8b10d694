package ourahealth_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// newFake starts a fake Oura with one user in New York whose access token
// is "token-1".
func newFake() *ouratest.Server {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)),
		ouratest.WithUser(ouratest.User{ID: "user-1", Token: "token-1", Location: ny}))
	if err != nil {
		log.Fatal(err)
	}
	return srv
}

func ExampleNew() {
	srv := newFake()
	defer srv.Close()
	ctx := context.Background()

	// LifeOps keeps each user's Oura tokens in its credential store.
	store := memstore.New()
	user := uuid.MustParse("00000000-0000-4000-8000-000000000001")
	if err := store.CreateUser(ctx, lifeops.User{ID: user, Name: "Ann", Zone: "America/New_York", DayStartHour: 4,
		WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}); err != nil {
		log.Fatal(err)
	}
	if err := store.PutCredential(ctx, lifeops.Credential{UserID: user, Provider: lifeops.ProviderOura, AccessToken: lifeops.NewSecret("token-1")}); err != nil {
		log.Fatal(err)
	}
	source, err := ourahealth.New(ourahealth.Config{
		Credentials:   store,
		ClientOptions: []oura.Option{oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client())},
	})
	if err != nil {
		log.Fatal(err)
	}
	batch, err := source.Days(ctx, user, lifeops.KindSleep, civil.D(2024, 3, 10), civil.D(2024, 3, 11))
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range batch.Days {
		fmt.Println(d.Date, "bed", d.Bedtime.Format("15:04"), "wake", d.WakeTime.Format("15:04"))
	}
	fmt.Println(len(batch.Documents), "sleep documents kept whole")
	// Output:
	// 2024-03-10 bed 23:29 wake 07:47
	// 2024-03-11 bed 23:11 wake 07:51
	// 2 sleep documents kept whole
}

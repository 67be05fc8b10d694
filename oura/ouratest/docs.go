package ouratest

import (
	"math"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// filterKind is how a collection matches start_date and end_date.
type filterKind uint8

const (
	// filterDay matches the document's day, both ends inclusive.
	filterDay filterKind = iota
	// filterTimestamp matches the document's local timestamp against the
	// window; a bare date means local midnight, so end_date=D misses day D
	// when the timestamp is later than midnight (Oura's daily_activity).
	filterTimestamp
	// filterUTCStart matches the start instant against the dates read in
	// UTC, while the document reports a local day (Oura's workout).
	filterUTCStart
	// filterNone: the collection takes no dates (ring_configuration).
	filterNone
)

// collection is one document route under /v2/usercollection.
type collection struct {
	name   string // the path segment, e.g. "vO2_max"
	code   uint8  // stable number, part of document ids and page tokens
	scope  string // OAuth2 scope the route needs
	filter filterKind
	// refs lists the documents of a day plan, in id order.
	refs func(g *gen, p *dayPlan) []docRef
	// build draws one document.
	build func(g *gen, p *dayPlan, r docRef) any
}

// docRef is a document before it is drawn: enough to filter and page on.
type docRef struct {
	ord   int
	at    time.Time // compared by filterTimestamp and filterUTCStart
	ready time.Time // the document exists from this instant on
}

// gen draws the documents of one user as seen at one instant.
type gen struct {
	u       *user
	now     time.Time
	revised bool // revisions have happened
	cache   *planCache
}

func (g *gen) id(code uint8, day civil.Date, ord int) string {
	return makeID(g.u.key, code, int32(day.Days()), uint8(ord))
}

func (g *gen) local(t time.Time) string { return t.In(g.u.loc).Format(layoutLocalized) }

const (
	layoutLocalized = "2006-01-02T15:04:05-07:00"
	layoutLocal     = "2006-01-02T15:04:05"
)

func utcText(t time.Time) string { return t.UTC().Format(layoutLocalized) }

// Collection codes: stable numbers that are part of document ids and page
// tokens.
const (
	codeDailyActivity     uint8 = 1
	codeDailyReadiness    uint8 = 2
	codeDailySleep        uint8 = 3
	codeSleep             uint8 = 4
	codeDailySpO2         uint8 = 5
	codeDailyStress       uint8 = 6
	codeDailyResilience   uint8 = 7
	codeCardiovascularAge uint8 = 8
	codeVO2Max            uint8 = 9
	codeSleepTime         uint8 = 10
	codeWorkout           uint8 = 11
	codeSession           uint8 = 12
	codeTag               uint8 = 13
	codeEnhancedTag       uint8 = 14
	codeRestMode          uint8 = 15
	codeRing              uint8 = 16
	codeHeartRate         uint8 = 32
	codeBattery           uint8 = 33
)

// collections lists every document route.
func collections() []*collection {
	return []*collection{
		{name: "daily_activity", code: codeDailyActivity, scope: "daily", filter: filterTimestamp, refs: oneAt(4 * 60), build: (*gen).dailyActivity},
		{name: "daily_readiness", code: codeDailyReadiness, scope: "daily", filter: filterTimestamp, refs: oneAt(0), build: (*gen).dailyReadiness},
		{name: "daily_sleep", code: codeDailySleep, scope: "daily", filter: filterTimestamp, refs: oneAt(0), build: (*gen).dailySleep},
		{name: "sleep", code: codeSleep, scope: "daily", filter: filterDay, refs: (*gen).sleepRefs, build: (*gen).sleepDoc},
		{name: "daily_spo2", code: codeDailySpO2, scope: "spo2", filter: filterDay, refs: oneAt(0), build: (*gen).dailySpO2},
		{name: "daily_stress", code: codeDailyStress, scope: "stress", filter: filterDay, refs: oneAt(0), build: (*gen).dailyStress},
		{name: "daily_resilience", code: codeDailyResilience, scope: "stress", filter: filterDay, refs: oneAt(0), build: (*gen).dailyResilience},
		{name: "daily_cardiovascular_age", code: codeCardiovascularAge, scope: "heart_health", filter: filterDay, refs: oneAt(0), build: (*gen).dailyCardiovascularAge},
		{name: "vO2_max", code: codeVO2Max, scope: "heart_health", filter: filterTimestamp, refs: (*gen).vo2Refs, build: (*gen).vo2Max},
		{name: "sleep_time", code: codeSleepTime, scope: "daily", filter: filterDay, refs: oneAt(0), build: (*gen).sleepTime},
		{name: "workout", code: codeWorkout, scope: "workout", filter: filterUTCStart, refs: (*gen).workoutRefs, build: (*gen).workout},
		{name: "session", code: codeSession, scope: "session", filter: filterDay, refs: (*gen).sessionRefs, build: (*gen).session},
		{name: "tag", code: codeTag, scope: "tag", filter: filterDay, refs: (*gen).tagRefs, build: (*gen).tag},
		{name: "enhanced_tag", code: codeEnhancedTag, scope: "tag", filter: filterDay, refs: (*gen).enhancedTagRefs, build: (*gen).enhancedTag},
		{name: "rest_mode_period", code: codeRestMode, scope: "daily", filter: filterDay, refs: (*gen).restModeRefs, build: (*gen).restModePeriod},
		{name: "ring_configuration", code: codeRing, scope: "ring_configuration", filter: filterNone, build: (*gen).ringConfiguration},
	}
}

// oneAt is the refs of a collection with one document a day, stamped at the
// given local minute of the day and ready at the end of the night.
func oneAt(minute int) func(g *gen, p *dayPlan) []docRef {
	return func(g *gen, p *dayPlan) []docRef {
		t := at(p.day, g.u.loc, minute, 0)
		ready := at(p.day, g.u.loc, 0, 0)
		if p.main >= 0 {
			ready = p.sleeps[p.main].end
		}
		return []docRef{{ord: 0, at: t, ready: ready}}
	}
}

// dayRNG is the generator of one document of a day.
func (g *gen) dayRNG(p *dayPlan, code uint8, ord int) rng {
	return newRNG(p.key, tagDoc, uint64(code), uint64(ord))
}

// clampScore keeps a score on Oura's 1 to 100.
func clampScore(v float64) int {
	n := int(math.Round(v))
	switch {
	case n < 1:
		return 1
	case n > 100:
		return 100
	}
	return n
}

// ---- sleep ----

// sleepState is a sleep period as seen by the generator's clock.
func (g *gen) sleepState(s *sleepPlan) (kind string, start time.Time, gone bool) {
	if g.revised && s.revised {
		if s.revKind == "" {
			return "", s.start, true
		}
		if !s.revStart.IsZero() {
			return s.revKind, s.revStart, false
		}
		return s.revKind, s.start, false
	}
	return s.kind, s.start, false
}

func (g *gen) sleepRefs(p *dayPlan) []docRef {
	out := make([]docRef, 0, len(p.sleeps))
	for i := range p.sleeps {
		s := &p.sleeps[i]
		if _, _, gone := g.sleepState(s); gone {
			continue
		}
		out = append(out, docRef{ord: s.ord, at: s.start, ready: s.end})
	}
	return out
}

// sleepStats are the measurements of one sleep period, drawn from its
// 30-second hypnogram.
type sleepStats struct {
	kind, reason        string
	start, end          time.Time
	phases, moves       []byte
	deep, light, rem    int
	awake, total, inBed int
	latency, restless   int
	efficiency          int
	hr, hrv             samples
	avgHR               float64
	lowestHR, avgHRV    int
	breath              float64
}

func (g *gen) sleepStats(p *dayPlan, s *sleepPlan) *sleepStats {
	kind, start, _ := g.sleepState(s)
	st := &sleepStats{kind: kind, start: start, end: s.end}
	st.inBed = int(s.end.Sub(start) / time.Second)
	r := newRNG(p.key, tagPhases, uint64(s.ord))
	st.breath = round(12.5+r.float()*4, 3)
	st.reason = "foreground_sleep_analysis"
	if kind == kindLongSleep {
		switch x := r.float(); {
		case g.revised && s.revised:
			st.reason = "bedtime_edit"
		case x < 0.2:
			st.reason = "background_sleep_analysis"
		case x < 0.3:
			st.reason = "background_created_foreground_updated"
		}
	}
	if kind == kindDeleted {
		return st
	}
	// An edited bedtime is analysed again over the new window.
	phases := hypnogram(&r, s.kind, int(s.end.Sub(start)/(30*time.Second)))
	st.phases = phases
	st.moves = make([]byte, len(phases))
	st.latency = -1
	for i, ph := range phases {
		switch ph {
		case '1':
			st.deep += 30
		case '2':
			st.light += 30
		case '3':
			st.rem += 30
		default:
			st.awake += 30
		}
		if ph != '4' && st.latency < 0 {
			st.latency = i * 30
		}
		m := byte('1')
		switch x := r.float(); {
		case ph == '4':
			m = byte('2' + r.intn(3))
		case ph == '2' && x < 0.2, ph == '3' && x < 0.1:
			m = '2'
		case x < 0.01:
			m = '3'
		}
		st.moves[i] = m
		if m >= '3' && (i == 0 || st.moves[i-1] < '3') {
			st.restless++
		}
	}
	if st.latency < 0 {
		st.latency = len(phases) * 30
	}
	st.total = st.deep + st.light + st.rem
	st.awake = st.inBed - st.total
	if st.inBed > 0 {
		st.efficiency = int(math.Round(100 * float64(st.total) / float64(st.inBed)))
	}
	// Heart rate and HRV every five minutes, with dropped readings as null.
	n := len(phases) / 10
	st.hr, st.hrv = make(samples, n), make(samples, n)
	a := activityAt{sleepKind: s.kind, sleepFrom: s.start}
	sumHR, nHR, sumHRV, nHRV := 0.0, 0, 0.0, 0
	st.lowestHR = 1000
	for i := range n {
		t := start.Add(time.Duration(i) * 5 * time.Minute)
		if unitAt(p.key, tagHRGap, uint64(s.ord), uint64(i)) < 0.03 {
			st.hr[i] = math.NaN()
		} else {
			v := g.u.bpmAt(t, g.u.hrSlot(t.Unix()), a)
			st.hr[i] = float64(v)
			sumHR += float64(v)
			nHR++
			st.lowestHR = min(st.lowestHR, v)
		}
		if unitAt(p.key, tagHRGap, uint64(s.ord), uint64(i), 1) < 0.05 {
			st.hrv[i] = math.NaN()
		} else {
			v := float64(g.u.hrv) + (unitAt(p.key, tagHRNoise, uint64(s.ord), uint64(i))*2-1)*12
			if phases[i*10] == '1' {
				v += 8
			}
			v = math.Max(8, math.Round(v))
			st.hrv[i] = v
			sumHRV += v
			nHRV++
		}
	}
	if nHR > 0 {
		st.avgHR = round(sumHR/float64(nHR), 3)
	}
	if nHRV > 0 {
		st.avgHRV = int(math.Round(sumHRV / float64(nHRV)))
	}
	if st.lowestHR == 1000 {
		st.lowestHR = 0
	}
	return st
}

// hypnogram draws n 30-second sleep phases: 1 deep, 2 light, 3 REM, 4 awake.
func hypnogram(r *rng, kind string, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = '2'
	}
	switch kind {
	case kindRest:
		for i := range out {
			if r.chance(0.7) {
				out[i] = '4'
			}
		}
		return out
	case kindSleep, kindLateNap:
		lat := min(n, r.between(4, 16))
		for i := 0; i < lat; i++ {
			out[i] = '4'
		}
		for i := lat + 20; i < n && i < lat+50; i++ {
			out[i] = '1'
		}
		return out
	}
	lat := min(n, r.between(8, 36))
	for i := 0; i < lat; i++ {
		out[i] = '4'
	}
	for c, i := 0, lat; i < n; c, i = c+1, i+180 {
		deep := max(0, 76-c*16+r.between(-6, 6))
		remLen := min(70, 14+c*12+r.between(-4, 4))
		for j := 0; j < 180 && i+j < n; j++ {
			switch {
			case j < deep && j >= 6:
				out[i+j] = '1'
			case j >= 180-remLen:
				out[i+j] = '3'
			}
		}
	}
	for i := lat; i < n; i++ {
		if r.chance(0.006) {
			for j := 0; j < r.between(2, 12) && i+j < n; j++ {
				out[i+j] = '4'
			}
		}
	}
	for i := max(lat, n-r.between(2, 10)); i < n; i++ {
		out[i] = '4'
	}
	return out
}

// fiveMinutes condenses 30-second phases to the most frequent phase of each
// five minutes.
func fiveMinutes(phases []byte) string {
	out := make([]byte, len(phases)/10)
	for i := range out {
		var count [5]int
		for _, p := range phases[i*10 : i*10+10] {
			count[p-'0']++
		}
		best := 1
		for k := 2; k <= 4; k++ {
			if count[k] > count[best] {
				best = k
			}
		}
		out[i] = byte('0' + best)
	}
	return string(out)
}

func (g *gen) sleepDoc(p *dayPlan, ref docRef) any {
	s := &p.sleeps[ref.ord]
	st := g.sleepStats(p, s)
	d := &sleepDoc{
		ID:           g.id(codeSleep, p.day, s.ord),
		BedtimeEnd:   g.local(st.end),
		BedtimeStart: g.local(st.start),
		Day:          p.day.String(),
		Period:       s.ord,
		TimeInBed:    st.inBed,
		Type:         ptr(st.kind),
		RingID:       ptr(g.ringID(st.start)),
	}
	level, _, _ := g.u.batteryAt(st.start)
	d.LowBatteryAlert = level < 15
	d.SleepAnalysisReason = ptr(st.reason)
	if st.kind == kindDeleted {
		return d
	}
	d.SleepAlgorithmVersion = ptr("v2")
	d.AverageBreath = ptr(st.breath)
	d.AverageHeartRate = ptr(st.avgHR)
	d.AverageHRV = ptr(st.avgHRV)
	d.AwakeTime = ptr(st.awake)
	d.DeepSleepDuration = ptr(st.deep)
	d.LightSleepDuration = ptr(st.light)
	d.REMSleepDuration = ptr(st.rem)
	d.TotalSleepDuration = ptr(st.total)
	d.Efficiency = ptr(st.efficiency)
	d.Latency = ptr(st.latency)
	d.LowestHeartRate = ptr(st.lowestHR)
	d.RestlessPeriods = ptr(st.restless)
	d.HeartRate = &sample{Interval: 300, Items: st.hr, Timestamp: g.local(st.start)}
	d.HRV = &sample{Interval: 300, Items: st.hrv, Timestamp: g.local(st.start)}
	d.SleepPhase30Sec = ptr(string(st.phases))
	five := fiveMinutes(st.phases)
	d.SleepPhase5Min = ptr(five)
	d.AppSleepPhase5Min = ptr(five)
	d.Movement30Sec = ptr(string(st.moves))
	switch st.kind {
	case kindLongSleep:
		c, score, dev, trend := g.readiness(p)
		d.Readiness = &readiness{Contributors: c, Score: score, TemperatureDeviation: dev, TemperatureTrendDeviation: trend}
	case kindSleep, kindLateNap:
		r := g.dayRNG(p, codeSleep, s.ord)
		d.ReadinessScoreDelta = ptr(r.between(0, 3))
		d.SleepScoreDelta = ptr(r.between(0, 4))
	}
	return d
}

// sleepScore is the daily sleep score and its contributors from the main
// sleep of a day, all null when the ring was off overnight.
func (g *gen) sleepScore(p *dayPlan) (sleepContributors, *int) {
	if p.main < 0 {
		return sleepContributors{}, nil
	}
	st := g.sleepStats(p, &p.sleeps[p.main])
	hours := func(s int) float64 { return float64(s) / 3600 }
	mid := st.start.Add(st.end.Sub(st.start) / 2).In(g.u.loc)
	midH := float64(mid.Hour()) + float64(mid.Minute())/60
	if midH > 12 {
		midH -= 24
	}
	c := sleepContributors{
		TotalSleep:  ptr(clampScore(100 - math.Max(0, 8-hours(st.total))*18)),
		Efficiency:  ptr(clampScore(100 - math.Max(0, 92-float64(st.efficiency))*3)),
		Latency:     ptr(clampScore(100 - math.Abs(float64(st.latency)/60-12)*2.5)),
		DeepSleep:   ptr(clampScore(100 - math.Max(0, 1.5-hours(st.deep))*45)),
		REMSleep:    ptr(clampScore(100 - math.Max(0, 1.75-hours(st.rem))*40)),
		Restfulness: ptr(clampScore(100 - float64(st.restless)*2.5)),
		Timing:      ptr(clampScore(100 - math.Abs(midH-3.25)*14)),
	}
	score := 0.35*float64(*c.TotalSleep) + 0.1*float64(*c.Efficiency) + 0.1*float64(*c.Latency) +
		0.1*float64(*c.DeepSleep) + 0.1*float64(*c.REMSleep) + 0.15*float64(*c.Restfulness) + 0.1*float64(*c.Timing)
	return c, ptr(clampScore(score))
}

func (g *gen) dailySleep(p *dayPlan, ref docRef) any {
	c, score := g.sleepScore(p)
	return &dailySleep{
		ID:           g.id(codeDailySleep, p.day, 0),
		Contributors: c,
		Day:          p.day.String(),
		Score:        score,
		Timestamp:    g.local(ref.at),
	}
}

// readiness is the day's readiness; HRV balance is null while the history is
// young, the night's contributors are null without a night.
func (g *gen) readiness(p *dayPlan) (readinessContributors, *int, *float64, *float64) {
	r := g.dayRNG(p, codeDailyReadiness, 0)
	c := readinessContributors{
		ActivityBalance:     ptr(r.between(60, 100)),
		BodyTemperature:     ptr(r.between(70, 100)),
		HRVBalance:          ptr(r.between(45, 100)),
		PreviousDayActivity: ptr(r.between(55, 100)),
		RecoveryIndex:       ptr(r.between(40, 100)),
		RestingHeartRate:    ptr(r.between(50, 100)),
		SleepBalance:        ptr(r.between(50, 100)),
		SleepRegularity:     ptr(r.between(40, 100)),
	}
	dev := ptr(round(r.norm()*0.22, 2))
	trend := ptr(round(r.norm()*0.12, 2))
	if g.u.young(p.day) {
		c.HRVBalance, c.SleepBalance, c.SleepRegularity, trend = nil, nil, nil, nil
	}
	if r.chance(0.03) {
		c.BodyTemperature, dev, trend = nil, nil, nil
	}
	if _, score := g.sleepScore(p); score != nil {
		c.PreviousNight = ptr(clampScore(float64(*score) + r.norm()*4))
	} else {
		c.RecoveryIndex, c.RestingHeartRate = nil, nil
		return c, nil, dev, trend
	}
	sum, n := 0, 0
	for _, v := range []*int{c.ActivityBalance, c.BodyTemperature, c.HRVBalance, c.PreviousDayActivity,
		c.PreviousNight, c.RecoveryIndex, c.RestingHeartRate, c.SleepBalance, c.SleepRegularity} {
		if v != nil {
			sum += *v
			n++
		}
	}
	return c, ptr(clampScore(float64(sum) / float64(n))), dev, trend
}

func (g *gen) dailyReadiness(p *dayPlan, ref docRef) any {
	c, score, dev, trend := g.readiness(p)
	return &dailyReadiness{
		ID:                        g.id(codeDailyReadiness, p.day, 0),
		Contributors:              c,
		Day:                       p.day.String(),
		Score:                     score,
		TemperatureDeviation:      dev,
		TemperatureTrendDeviation: trend,
		Timestamp:                 g.local(ref.at),
	}
}

// ---- activity ----

func (g *gen) dailyActivity(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeDailyActivity, 0)
	start := ref.at // 04:00 local: the activity day runs 24 hours from there
	class := make([]byte, 288)
	for i := range class {
		t := start.Add(time.Duration(i) * 5 * time.Minute)
		a := g.cache.at(t)
		h := t.In(g.u.loc).Hour()
		switch {
		case a.offWrist:
			class[i] = '0'
		case a.sleepKind != "":
			class[i] = '1'
		case a.workout != nil:
			class[i] = '3' + byte(intensityLevel(a.workout.intensity))
		case a.session, h < 7 || h >= 22:
			class[i] = '2'
		default:
			switch x := r.float(); {
			case x < 0.68:
				class[i] = '2'
			case x < 0.93:
				class[i] = '3'
			case x < 0.99:
				class[i] = '4'
			default:
				class[i] = '5'
			}
		}
	}
	base := [6]float64{0, 0.9, 1.2, 2.4, 4.4, 7.8}
	met := make(samples, 1440)
	var metSum [6]float64
	total, n := 0.0, 0
	var counts [6]int
	for i := range met {
		c := class[i/5] - '0'
		if i%5 == 0 {
			counts[c]++
		}
		if c == 0 {
			met[i] = math.NaN()
			continue
		}
		v := round(base[c]*(1+r.norm()*0.08), 1)
		met[i] = v
		metSum[c] += v
		total += v
		n++
	}
	steps := int(float64(counts[3]*5)*26+float64(counts[4]*5)*82+float64(counts[5]*5)*128+float64(counts[2]*5)*2.5) + r.between(0, 400)
	walk := int(float64(steps) * 0.78)
	active := int(math.Round((metSum[3] - float64(counts[3]*5) + metSum[4] - float64(counts[4]*5) + metSum[5] - float64(counts[5]*5)) * g.u.weight / 60))
	targetMeters := g.u.targetCal * 22
	alerts := 0
	for i, run := 0, 0; i < len(class); i++ {
		if class[i] == '2' {
			run++
			if run == 12 {
				alerts++
			}
		} else {
			run = 0
		}
	}
	d := &dailyActivity{
		ID:                        g.id(codeDailyActivity, p.day, 0),
		ActiveCalories:            active,
		AverageMetMinutes:         0,
		Class5Min:                 ptr(string(class)),
		Day:                       p.day.String(),
		EquivalentWalkingDistance: walk,
		HighActivityMetMinutes:    int(math.Round(metSum[5])),
		HighActivityTime:          counts[5] * 300,
		InactivityAlerts:          alerts / 2,
		LowActivityMetMinutes:     int(math.Round(metSum[3])),
		LowActivityTime:           counts[3] * 300,
		MediumActivityMetMinutes:  int(math.Round(metSum[4])),
		MediumActivityTime:        counts[4] * 300,
		Met:                       sample{Interval: 60, Items: met, Timestamp: g.local(start)},
		MetersToTarget:            max(0, (targetMeters-walk)/100*100),
		NonWearTime:               counts[0] * 300,
		RestingTime:               counts[1] * 300,
		SedentaryMetMinutes:       int(math.Round(metSum[2])),
		SedentaryTime:             counts[2] * 300,
		Steps:                     steps,
		TargetCalories:            g.u.targetCal,
		TargetMeters:              targetMeters,
		Timestamp:                 g.local(start),
		TotalCalories:             active + int(math.Round(g.u.weight*21+320)),
	}
	if n > 0 {
		d.AverageMetMinutes = round(total/float64(n), 5)
	}
	reached := float64(active) / float64(g.u.targetCal)
	d.Contributors = activityContributors{
		MeetDailyTargets:  ptr(clampScore(40 + reached*55)),
		MoveEveryHour:     ptr(clampScore(100 - float64(d.InactivityAlerts)*12)),
		RecoveryTime:      ptr(r.between(60, 100)),
		StayActive:        ptr(clampScore(100 - math.Max(0, float64(d.SedentaryTime)/3600-8)*7)),
		TrainingFrequency: ptr(r.between(40, 100)),
		TrainingVolume:    ptr(r.between(40, 100)),
	}
	if g.u.young(p.day) {
		d.Contributors.TrainingFrequency, d.Contributors.TrainingVolume = nil, nil
	}
	score := 0.0
	for _, v := range []*int{d.Contributors.MeetDailyTargets, d.Contributors.MoveEveryHour, d.Contributors.RecoveryTime,
		d.Contributors.StayActive, d.Contributors.TrainingFrequency, d.Contributors.TrainingVolume} {
		if v == nil {
			v = ptr(80)
		}
		score += float64(*v) / 6
	}
	if d.NonWearTime < 12*3600 {
		d.Score = ptr(clampScore(score))
	}
	if r.chance(0.02) {
		d.Class5Min = nil
	}
	return d
}

// ---- daily summaries ----

func (g *gen) dailySpO2(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeDailySpO2, 0)
	d := &dailySpO2{ID: g.id(codeDailySpO2, p.day, 0), Day: p.day.String()}
	if p.main >= 0 && !r.chance(0.05) {
		d.SpO2Percentage = &spo2Values{Average: round(95+r.float()*3.6, 3)}
	}
	if p.main >= 0 && !r.chance(0.1) {
		d.BreathingDisturbanceIndex = ptr(r.between(0, 18))
	}
	return d
}

func (g *gen) dailyStress(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeDailyStress, 0)
	stress, recovery := r.between(0, 18)*900, r.between(0, 22)*900
	d := &dailyStress{ID: g.id(codeDailyStress, p.day, 0), Day: p.day.String(), StressHigh: ptr(stress), RecoveryHigh: ptr(recovery)}
	switch {
	case r.chance(0.1):
	case recovery > stress+3600:
		d.DaySummary = ptr("restored")
	case stress > recovery+3600:
		d.DaySummary = ptr("stressful")
	default:
		d.DaySummary = ptr("normal")
	}
	if r.chance(0.03) {
		d.StressHigh, d.RecoveryHigh = nil, nil
	}
	return d
}

func (g *gen) dailyResilience(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeDailyResilience, 0)
	c := resilienceContributors{
		SleepRecovery:   round(45+r.float()*55, 1),
		DaytimeRecovery: round(30+r.float()*70, 1),
		Stress:          round(30+r.float()*70, 1),
	}
	mean := (c.SleepRecovery + c.DaytimeRecovery + c.Stress) / 3
	levels := []string{"limited", "adequate", "solid", "strong", "exceptional"}
	return &dailyResilience{
		ID:           g.id(codeDailyResilience, p.day, 0),
		Day:          p.day.String(),
		Contributors: c,
		Level:        levels[min(4, max(0, int((mean-35)/13)))],
	}
}

func (g *gen) dailyCardiovascularAge(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeCardiovascularAge, 0)
	d := &dailyCardiovascularAge{ID: g.id(codeCardiovascularAge, p.day, 0), Day: p.day.String()}
	if !r.chance(0.1) && !g.u.young(p.day) {
		d.VascularAge = ptr(g.u.age + r.between(-6, 4))
		d.PulseWaveVelocity = ptr(round(5.5+float64(g.u.age-20)*0.06+r.norm()*0.2, 3))
	}
	return d
}

func (g *gen) vo2Refs(p *dayPlan) []docRef {
	if (p.day.Days()+int(g.u.key%7))%7 != 0 {
		return nil
	}
	t := at(p.day, g.u.loc, 0, 0)
	return []docRef{{at: t, ready: t}}
}

func (g *gen) vo2Max(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeVO2Max, 0)
	return &vo2Max{ID: g.id(codeVO2Max, p.day, 0), Day: p.day.String(), Timestamp: g.local(ref.at), VO2Max: g.u.vo2 + r.between(-1, 1)}
}

func (g *gen) sleepTime(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeSleepTime, 0)
	d := &sleepTime{ID: g.id(codeSleepTime, p.day, 0), Day: p.day.String()}
	if g.u.young(p.day) {
		d.Status = ptr(pick(&r, "not_enough_nights", "not_enough_recent_nights"))
		return d
	}
	_, off := at(p.day, g.u.loc, 0, 0).Zone()
	startOff := (-75+g.u.chronotype)*60 + r.between(-2, 2)*900
	d.OptimalBedtime = &sleepTimeWindow{DayTZ: off, StartOffset: startOff, EndOffset: startOff + 3600}
	d.Status = ptr(pick(&r, "optimal_found", "optimal_found", "only_recommended_found", "bad_sleep_quality"))
	d.Recommendation = ptr(pick(&r, "follow_optimal_bedtime", "follow_optimal_bedtime", "earlier_bedtime",
		"later_bedtime", "earlier_wake_up_time", "later_wake_up_time", "improve_efficiency"))
	return d
}

// ---- workouts, sessions, tags ----

func (g *gen) workoutRefs(p *dayPlan) []docRef {
	out := make([]docRef, len(p.workouts))
	for i, w := range p.workouts {
		out[i] = docRef{ord: w.ord, at: w.start, ready: w.end}
	}
	return out
}

func (g *gen) workout(p *dayPlan, ref docRef) any {
	w := &p.workouts[ref.ord]
	h := w.end.Sub(w.start).Hours()
	met := [3]float64{3.5, 6.2, 9.4}[intensityLevel(w.intensity)]
	d := &workoutDoc{
		ID:            g.id(codeWorkout, p.day, w.ord),
		Activity:      w.activity,
		Calories:      ptr(round(met*g.u.weight*h, 1)),
		Day:           p.day.String(),
		EndDatetime:   g.local(w.end),
		Intensity:     w.intensity,
		Source:        w.source,
		StartDatetime: g.local(w.start),
	}
	if speed := speedOf(w.activity); speed > 0 {
		d.Distance = ptr(round(speed*h*3600*(0.9+unitAt(p.key, uint64(w.ord))*0.2), 1))
	}
	if w.label != "" {
		d.Label = ptr(w.label)
	}
	return d
}

func (g *gen) sessionRefs(p *dayPlan) []docRef {
	out := make([]docRef, len(p.sessions))
	for i, s := range p.sessions {
		out[i] = docRef{ord: s.ord, at: s.start, ready: s.end}
	}
	return out
}

func (g *gen) session(p *dayPlan, ref docRef) any {
	s := &p.sessions[ref.ord]
	r := g.dayRNG(p, codeSession, s.ord)
	n := int(s.end.Sub(s.start) / time.Minute)
	hr, hrv, motion := make(samples, n), make(samples, n), make(samples, n)
	for i := range n {
		t := s.start.Add(time.Duration(i) * time.Minute)
		hr[i] = float64(g.u.bpmAt(t, g.u.hrSlot(t.Unix())+int64(i), activityAt{session: true}))
		hrv[i] = math.Max(8, math.Round(float64(g.u.hrv)+6+r.norm()*9))
		motion[i] = float64(r.between(0, 3))
		if r.chance(0.04) {
			hr[i] = math.NaN()
		}
		if r.chance(0.06) {
			hrv[i] = math.NaN()
		}
	}
	d := &sessionDoc{
		ID:                   g.id(codeSession, p.day, s.ord),
		Day:                  p.day.String(),
		EndDatetime:          g.local(s.end),
		HeartRate:            &sample{Interval: 60, Items: hr, Timestamp: g.local(s.start)},
		HeartRateVariability: &sample{Interval: 60, Items: hrv, Timestamp: g.local(s.start)},
		MotionCount:          &sample{Interval: 60, Items: motion, Timestamp: g.local(s.start)},
		StartDatetime:        g.local(s.start),
		Type:                 s.kind,
	}
	if s.mood != "" {
		d.Mood = ptr(s.mood)
	}
	if s.kind == "body_status" {
		d.HeartRateVariability, d.MotionCount = nil, nil
	}
	return d
}

func (g *gen) tagRefs(p *dayPlan) []docRef {
	r := g.dayRNG(p, codeTag, 0)
	if !r.chance(0.15) {
		return nil
	}
	t := at(p.day, g.u.loc, r.between(20*60, 22*60), r.intn(60))
	return []docRef{{at: t, ready: t}}
}

func (g *gen) tag(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeTag, 1)
	d := &tagModel{
		ID:        g.id(codeTag, p.day, 0),
		Day:       p.day.String(),
		Timestamp: ref.at.In(g.u.loc).Format(layoutLocal),
		Tags:      []string{pick(&r, "tag_generic_alcohol", "tag_generic_caffeine", "tag_generic_late_meal", "tag_generic_sauna")},
	}
	if r.chance(0.4) {
		d.Text = ptr(pick(&r, "Dinner with friends", "Long day", "Espresso after lunch"))
	}
	return d
}

func (g *gen) enhancedTagRefs(p *dayPlan) []docRef {
	r := g.dayRNG(p, codeEnhancedTag, 0)
	if !r.chance(0.25) {
		return nil
	}
	t := at(p.day, g.u.loc, r.between(18*60, 21*60), r.intn(60))
	return []docRef{{at: t, ready: t}}
}

func (g *gen) enhancedTag(p *dayPlan, ref docRef) any {
	r := g.dayRNG(p, codeEnhancedTag, 1)
	code := pick(&r, "tag_generic_alcohol", "tag_generic_caffeine", "tag_generic_late_meal", "tag_generic_stress", "custom")
	d := &enhancedTag{
		ID:        g.id(codeEnhancedTag, p.day, 0),
		StartTime: ref.at.In(g.u.loc).Format(layoutLocal),
		StartDay:  p.day.String(),
	}
	if code == "custom" {
		d.CustomName = ptr(pick(&r, "Sauna", "Cold plunge", "Travel"))
	} else {
		d.TagTypeCode = ptr(code)
	}
	if r.chance(0.3) {
		end := ref.at.Add(time.Duration(r.between(20, 120)) * time.Minute)
		d.EndTime = ptr(end.In(g.u.loc).Format(layoutLocal))
		d.EndDay = ptr(civil.DateOf(end.In(g.u.loc)).String())
	}
	if r.chance(0.2) {
		d.Comment = ptr(pick(&r, "felt it the next morning", "late", "after the gym"))
	}
	return d
}

// ---- rest mode, rings ----

// restMode tells whether a rest-mode period starts on day d and how many days
// it lasts: at most one every 60 days.
func (u *user) restMode(d civil.Date) (days int, ok bool) {
	n := d.Days()
	blk := floorDiv64(int64(n), 60)
	r := newRNG(u.key, tagRest, uint64(blk))
	if !r.chance(0.4) {
		return 0, false
	}
	if int64(n) != blk*60+int64(r.between(0, 55)) {
		return 0, false
	}
	return r.between(1, 4), true
}

func (g *gen) restModeRefs(p *dayPlan) []docRef {
	if _, ok := g.u.restMode(p.day); !ok {
		return nil
	}
	t := at(p.day, g.u.loc, 8*60+30, 0)
	return []docRef{{at: t, ready: t}}
}

func (g *gen) restModePeriod(p *dayPlan, ref docRef) any {
	days, _ := g.u.restMode(p.day)
	r := g.dayRNG(p, codeRestMode, 0)
	d := &restModePeriod{
		ID:        g.id(codeRestMode, p.day, 0),
		StartDay:  p.day.String(),
		StartTime: ptr(g.local(ref.at)),
		Episodes:  []restModeEpisode{},
	}
	today := civil.DateOf(g.now.In(g.u.loc))
	reason := pick(&r, "tag_generic_flu", "tag_generic_fever", "tag_generic_recovery", "tag_generic_jetlag")
	for i := range days {
		day := p.day.AddDays(i)
		if day.After(today) {
			break
		}
		d.Episodes = append(d.Episodes, restModeEpisode{Tags: []string{reason}, Timestamp: g.local(at(day, g.u.loc, 8*60+30+r.between(0, 90), 0))})
	}
	if end := p.day.AddDays(days); !end.After(today) {
		d.EndDay = ptr(end.String())
		d.EndTime = ptr(g.local(at(end, g.u.loc, 7*60+r.between(0, 120), 0)))
	}
	return d
}

// rings are the user's ring configurations: the set-up day of each.
func (g *gen) rings() []civil.Date {
	r := newRNG(g.u.key, tagRing)
	first := civil.D(2021, 1, 1).AddDays(r.between(0, 700))
	if !g.u.Since.IsZero() {
		first = g.u.Since
	}
	out := []civil.Date{first}
	if g.u.rings > 1 {
		out = append(out, first.AddDays(r.between(300, 500)))
	}
	return out
}

// ringID is the id of the ring worn at instant t.
func (g *gen) ringID(t time.Time) string {
	rings := g.rings()
	day := civil.DateOf(t.In(g.u.loc))
	i := 0
	for j, d := range rings {
		if !day.Before(d) {
			i = j
		}
	}
	return g.id(codeRing, rings[i], i)
}

func (g *gen) ringConfiguration(p *dayPlan, ref docRef) any {
	rings := g.rings()
	day := rings[ref.ord]
	r := newRNG(g.u.key, tagRing, uint64(ref.ord))
	d := &ringConfiguration{
		ID:              g.id(codeRing, day, ref.ord),
		Color:           ptr(pick(&r, "stealth_black", "silver", "brushed_silver", "glossy_gold", "rose")),
		Design:          ptr(pick(&r, "heritage", "horizon")),
		FirmwareVersion: ptr(pick(&r, "2.9.22", "2.10.4", "3.1.7")),
		HardwareType:    ptr([]string{"gen3", "gen4"}[ref.ord%2]),
		SetUpAt:         ptr(utcText(at(day, g.u.loc, 19*60+r.between(0, 120), r.intn(60)))),
		Size:            ptr(g.u.ringSize()),
	}
	if ref.ord == 0 && r.chance(0.3) {
		d.Design = nil // rings from before designs were reported
	}
	return d
}

func (u *user) ringSize() int { return 6 + int(u.key%8) }

// personal is the personal_info document; personal and email scopes decide
// what it shows.
func (u *user) personal(personal, email bool) *personalInfo {
	d := &personalInfo{ID: u.ID}
	if personal {
		d.Age, d.Weight, d.Height, d.BiologicalSex = ptr(u.age), ptr(u.weight), ptr(u.height), ptr(u.sex)
	}
	if email && u.Email != "" {
		d.Email = ptr(u.Email)
	}
	return d
}

// intensityLevel is 0 for easy, 1 for moderate, 2 for hard.
func intensityLevel(s string) int {
	switch s {
	case "moderate":
		return 1
	case "hard":
		return 2
	}
	return 0
}

// speedOf is the typical speed of an activity in m/s, 0 when it covers no
// distance.
func speedOf(activity string) float64 {
	switch activity {
	case "walking":
		return 1.4
	case "running":
		return 2.9
	case "cycling":
		return 6.1
	case "swimming":
		return 0.6
	}
	return 0
}

package ouratest

// Keys that separate the generator streams of one user.
const (
	tagTraits uint64 = iota + 1
	tagPlan
	tagPhases
	tagHRNoise
	tagHRGap
	tagHRLive
	tagBattery
	tagDoc
	tagID
	tagToken
	tagRing
	tagRest
	tagFault
	tagSecret
	tagWebhook
)

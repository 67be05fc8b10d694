package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestHelpShowsNoSecret: the encryption key and the database password come
// from the environment; help and usage errors must not print them as flag
// defaults.
func TestHelpShowsNoSecret(t *testing.T) {
	t.Parallel()
	key := "k1:" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	env := map[string]string{
		"LIFEOPS_ENCRYPTION_KEY": key,
		"LIFEOPS_DATABASE_URL":   "postgres://ada:pw-SECRET-42@127.0.0.1:1/none",
	}
	for _, args := range [][]string{{"-h"}, {"-nope"}, {}, {"copy"}, {"bogus"}} {
		code, out, errOut := run(t, env, args...)
		for _, secret := range []string{key[3:15], "pw-SECRET-42"} {
			if strings.Contains(out+errOut, secret) {
				t.Errorf("migrate %q (exit %d) prints the secret %q:\n%s%s", args, code, secret, out, errOut)
			}
		}
	}
	if _, _, errOut := run(t, env, "-h"); !strings.Contains(errOut, "$LIFEOPS_ENCRYPTION_KEY") {
		t.Errorf("help no longer names the variable the key comes from:\n%s", errOut)
	}
}

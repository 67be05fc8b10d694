package store

import (
	"encoding/json"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// clearCredential is a credential as an export document spells it, tokens
// in clear. It exists only on the way into and out of the document:
// lifeops.Credential encodes its tokens as "[redacted]", and WriteExport is
// the one path that writes them out.
type clearCredential struct {
	Provider     string    `json:"provider"`
	ExternalID   string    `json:"external_id,omitempty"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Scopes       []string  `json:"scopes,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func clearCredentials(cs []lifeops.Credential) []clearCredential {
	if cs == nil {
		return nil
	}
	out := make([]clearCredential, len(cs))
	for i, c := range cs {
		out[i] = clearCredential{
			Provider: c.Provider, ExternalID: c.ExternalID,
			AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal(),
			TokenType: c.TokenType, Expiry: c.Expiry, Scopes: c.Scopes, UpdatedAt: c.UpdatedAt,
		}
	}
	return out
}

func (c clearCredential) credential() lifeops.Credential {
	return lifeops.Credential{
		Provider: c.Provider, ExternalID: c.ExternalID,
		AccessToken: lifeops.NewSecret(c.AccessToken), RefreshToken: lifeops.NewSecret(c.RefreshToken),
		TokenType: c.TokenType, Expiry: c.Expiry, Scopes: c.Scopes, UpdatedAt: c.UpdatedAt,
	}
}

// exportWire is the document as written: the Export with its credentials'
// tokens in clear (the outer field hides the embedded one).
type exportWire struct {
	*Export
	Credentials []clearCredential `json:"credentials,omitempty"`
}

// decodeExport decodes one export document from dec, tokens in clear.
func decodeExport(dec *json.Decoder) (*Export, error) {
	var x Export
	w := exportWire{Export: &x}
	if err := dec.Decode(&w); err != nil {
		return nil, err
	}
	for _, c := range w.Credentials {
		x.Credentials = append(x.Credentials, c.credential())
	}
	return &x, nil
}

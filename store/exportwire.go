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

// clearWorkSource is a person's settings for a work-stats source as an
// export document spells them, secrets in clear, for the same reason as
// clearCredential.
type clearWorkSource struct {
	Source    string            `json:"source"`
	Settings  json.RawMessage   `json:"settings"`
	Secrets   map[string]string `json:"secrets,omitempty"`
	Version   int64             `json:"version"`
	UpdatedAt time.Time         `json:"updated_at"`
}

func clearWorkSources(ws []lifeops.WorkSourceSettings) []clearWorkSource {
	if ws == nil {
		return nil
	}
	out := make([]clearWorkSource, len(ws))
	for i, w := range ws {
		out[i] = clearWorkSource{Source: w.Source, Settings: w.Settings, Version: w.Version, UpdatedAt: w.UpdatedAt}
		for name, v := range w.Secrets {
			if out[i].Secrets == nil {
				out[i].Secrets = map[string]string{}
			}
			out[i].Secrets[name] = v.Reveal()
		}
	}
	return out
}

func (c clearWorkSource) settings() lifeops.WorkSourceSettings {
	w := lifeops.WorkSourceSettings{Source: c.Source, Settings: c.Settings, Version: c.Version, UpdatedAt: c.UpdatedAt}
	for name, v := range c.Secrets {
		if w.Secrets == nil {
			w.Secrets = map[string]lifeops.Secret{}
		}
		w.Secrets[name] = lifeops.NewSecret(v)
	}
	return w
}

// exportWire is the document as written: the Export with its credentials'
// and work sources'
// tokens in clear (the outer field hides the embedded one).
type exportWire struct {
	*Export
	Credentials []clearCredential `json:"credentials,omitempty"`
	WorkSources []clearWorkSource `json:"work_sources,omitempty"`
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
	for _, c := range w.WorkSources {
		x.WorkSources = append(x.WorkSources, c.settings())
	}
	return &x, nil
}

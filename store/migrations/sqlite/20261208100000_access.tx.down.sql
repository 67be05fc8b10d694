DROP TABLE personal_tokens;
DROP TABLE pairing_codes;
DROP TABLE refresh_tokens;
DROP TABLE devices;

package peer

// This file exists to turn the MSGPACT_* environment the runner sets into a
// validated Config, and to tell a setup mistake (exit status 2) apart from a
// failure while serving.

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Config says where a peer connects and which subjects it serves.
type Config struct {
	NATSURL       string // MSGPACT_NATS_URL, e.g. nats://127.0.0.1:4222
	NATSCreds     string // MSGPACT_NATS_CREDS, optional path to a .creds file
	SubjectPrefix string // MSGPACT_SUBJECT_PREFIX, e.g. msgpact.run.3f9a1c2b
	Name          string // MSGPACT_PEER, this peer's name in the run
	// ContractsHash is MSGPACT_CONTRACTS_HASH, optional: the wire hash of the
	// run's contracts, which hello reports when the application's Info gives
	// none (types written by hand, checked against these contracts).
	ContractsHash string
}

// ConfigError reports invalid or missing configuration. [Peer.Run] exits
// with status 2 for it, as msgpact does for invalid input or setup.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	return "msgpact peer configuration: " + strings.Join(e.Problems, "; ")
}

// IsConfigError reports whether err is (or wraps) a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// ConfigFromEnv reads the MSGPACT_* environment variables and validates them.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		NATSURL:       os.Getenv(EnvNATSURL),
		NATSCreds:     os.Getenv(EnvNATSCreds),
		SubjectPrefix: os.Getenv(EnvSubjectPrefix),
		Name:          os.Getenv(EnvPeer),
		ContractsHash: strings.TrimSpace(os.Getenv(EnvContractsHash)),
	}
	return cfg, cfg.Validate()
}

// Validate checks that the required fields are set and that the name and the
// prefix are valid NATS subject tokens ([A-Za-z0-9_-]+, the prefix being
// tokens joined by dots). It returns a *ConfigError listing every problem.
func (c Config) Validate() error {
	var problems []string
	missing := func(env, what string) {
		problems = append(problems, fmt.Sprintf("%s is not set (%s)", env, what))
	}
	if c.NATSURL == "" {
		missing(EnvNATSURL, "the NATS server URL, e.g. nats://127.0.0.1:4222")
	}
	if c.SubjectPrefix == "" {
		missing(EnvSubjectPrefix, "this run's subject prefix, e.g. msgpact.run.3f9a1c2b")
	} else {
		for _, tok := range strings.Split(c.SubjectPrefix, ".") {
			if !validToken(tok) {
				problems = append(problems, fmt.Sprintf("%s=%q: every dot-separated token must match [A-Za-z0-9_-]+", EnvSubjectPrefix, c.SubjectPrefix))
				break
			}
		}
	}
	if c.Name == "" {
		missing(EnvPeer, "this peer's name in the run, the manifest's name")
	} else if !validToken(c.Name) {
		problems = append(problems, fmt.Sprintf("%s=%q: must match [A-Za-z0-9_-]+", EnvPeer, c.Name))
	}
	if c.NATSCreds != "" {
		if _, err := os.Stat(c.NATSCreds); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", EnvNATSCreds, err))
		}
	}
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

// Subject is the wildcard subject this peer subscribes to: <prefix>.<peer>.*
func (c Config) Subject() string {
	return c.SubjectPrefix + "." + c.Name + ".*"
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

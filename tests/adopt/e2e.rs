//! docs/adopt.md end to end, as two teams would go through it: a contracts repository in git with releases,
//! a Go service (its own go.mod: `go 1.24`, vmihailenco/msgpack v5.3.5) and a Python service (msgpack pinned
//! to 1.0.8), each made checkable with `msgpact init` and filled with hand-written types. The gate passes for
//! both, with their own library versions and the Go service's go.mod changed only by the SDK's own lines;
//! then the contracts repository releases a breaking change, and `contracts status`, `contracts update` and
//! `verify` say so, with the right findings.
//!
//! Everything comes from this machine: the SDKs from this checkout (`msgpact init --sdk`), nats-server as
//! every test gets it, Go modules and Python packages from their usual caches.

use crate::common::contracts_repo::ContractsRepo;
use crate::common::*;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const TYPES: &str = "chat.ChatTurn,common.TokenUsage";

fn go(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new("go").args(args).env("GOFLAGS", "").env("GOTOOLCHAIN", "local").current_dir(dir),
        &format!("go {}", args.join(" ")),
    )
}

/// msgpact in a service repository, with the test's contracts cache and the tests' nats-server.
fn msgpact_in(dir: &Path, cache: &Path, args: &[&str]) -> Output {
    let nats = nats_server();
    msgpact(
        dir,
        args,
        &[
            ("MSGPACT_CONTRACTS_CACHE", cache.to_str().unwrap()),
            ("MSGPACT_NATS_SERVER", nats.to_str().unwrap()),
            ("GOFLAGS", ""),
            ("GOTOOLCHAIN", "local"),
        ],
    )
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

/// `msgpact verify --nats binary --json report.json` in `dir`: (exit code, output, report).
fn verify(dir: &Path, cache: &Path) -> (i32, String, serde_json::Value) {
    let o = msgpact_in(dir, cache, &["verify", "--nats", "binary", "--json", "report.json"]);
    (o.status.code().unwrap_or(-1), text(&o), read_json(&dir.join("report.json")))
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

const GO_TYPES: &str = r#"// Package types holds the gateway's own message types, as production uses them.
package types

type TokenUsage struct {
	PromptTokens     uint32 `msgpack:"prompt_tokens"`
	CompletionTokens uint32 `msgpack:"completion_tokens"`
	TotalTokens      uint32 `msgpack:"total_tokens"`
}

type ChatTurn struct {
	Role string `msgpack:"role"`
	Text string `msgpack:"text"`
}
"#;

const GO_SERVICE: &str = r#"// Command gateway is the service itself: it publishes TokenUsage over NATS.
package main

import (
	"example.com/gateway/types"
	"github.com/nats-io/nats.go"
	"github.com/vmihailenco/msgpack/v5"
)

func main() {
	b, _ := msgpack.Marshal(&types.TokenUsage{PromptTokens: 1})
	nc, err := nats.Connect(nats.DefaultURL)
	if err == nil {
		_ = nc.Publish("usage", b)
	}
}
"#;

/// The team's codec.go: the skeleton's stubs replaced with the gateway's own types and calls.
const GO_CODEC: &str = r#"// The decode and encode functions of this repository's peer, with the gateway's own types.
package main

import (
	"bytes"
	"fmt"

	"example.com/gateway/types"
	"github.com/vmihailenco/msgpack/v5"
)

func marshal[T any](v T) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseCompactInts(true)
	err := enc.Encode(&v)
	return buf.Bytes(), err
}

func decodeChatChatTurn(b []byte) (t types.ChatTurn, err error) {
	if err = msgpack.Unmarshal(b, &t); err == nil && t.Role != "user" && t.Role != "assistant" && t.Role != "system" {
		err = fmt.Errorf("$.role: unknown common.Role %q", t.Role)
	}
	return t, err
}

func encodeChatChatTurn(t types.ChatTurn) ([]byte, error) { return marshal(t) }

func decodeCommonTokenUsage(b []byte) (u types.TokenUsage, err error) { return u, msgpack.Unmarshal(b, &u) }

func encodeCommonTokenUsage(u types.TokenUsage) ([]byte, error) { return marshal(u) }
"#;

const PY_TYPES: &str = r#""""The worker's own message types."""
from dataclasses import dataclass


@dataclass
class TokenUsage:
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


@dataclass
class ChatTurn:
    role: str
    text: str
"#;

/// The team's codec.py: the skeleton's stubs replaced with the worker's own types and calls.
const PY_CODEC: &str = r#""""The decode and encode functions of this repository's peer, with the worker's own types."""
import msgpack

from worker.types import ChatTurn, TokenUsage

ROLES = ("user", "assistant", "system")


def decode_chat_chat_turn(payload: bytes) -> ChatTurn:
    d = msgpack.unpackb(payload, raw=False)
    if d["role"] not in ROLES:
        raise ValueError(f"$.role: unknown common.Role {d['role']!r}")
    return ChatTurn(d["role"], d["text"])


def encode_chat_chat_turn(t: ChatTurn) -> bytes:
    return msgpack.packb({"role": t.role, "text": t.text}, use_bin_type=True)


def decode_common_token_usage(payload: bytes) -> TokenUsage:
    d = msgpack.unpackb(payload, raw=False)
    return TokenUsage(d["prompt_tokens"], d["completion_tokens"], d["total_tokens"])


def encode_common_token_usage(u: TokenUsage) -> bytes:
    return msgpack.packb(
        {"prompt_tokens": u.prompt_tokens, "completion_tokens": u.completion_tokens, "total_tokens": u.total_tokens},
        use_bin_type=True,
    )
"#;

/// Checks a passing gate: exit 0, the peer ready with exactly the two types, reporting the lock's wire hash
/// and `library_version`, every exchange passed, the other six types named once.
fn assert_green(dir: &Path, cache: &Path, peer: &str, library_version: &str) {
    let (code, out, report) = verify(dir, cache);
    assert_eq!(code, 0, "{peer}: the gate does not pass:\n{out}");
    let hello = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "peer-ready" && e["peer"] == peer)
        .unwrap_or_else(|| panic!("{peer} is not ready:\n{out}"))["hello"]
        .clone();
    assert_eq!(hello["types"], serde_json::json!(["chat.ChatTurn", "common.TokenUsage"]), "{hello}");
    assert_eq!(hello["library_version"], library_version, "{peer} links the service's own version: {hello}");
    let lock = std::fs::read_to_string(dir.join("msgpact.lock")).unwrap();
    let hash = hello["contracts_hash"].as_str().unwrap();
    assert!(
        hash.starts_with("sha256:") && lock.contains(&format!("wire_hash = \"{hash}\"")),
        "{peer}: {hello}\n{lock}"
    );
    let summary = &report["summary"];
    // Every exchange passed, but the must-reject payloads the service's own decoding accepts: they warn
    // (msgpact.toml's `accepts-invalid = "warn"`, written by init), and only they do.
    let warned = summary["warned"].as_u64().unwrap();
    assert!(summary["passed"].as_u64().unwrap() > 0, "{summary}\n{out}");
    assert_eq!(
        summary["passed"].as_u64().unwrap() + warned,
        summary["exchanges"].as_u64().unwrap(),
        "{summary}\n{out}"
    );
    let warnings = exchanges(&report).into_iter().filter(|x| x["outcome"] == "warn").collect::<Vec<_>>();
    assert!(warnings.iter().all(|x| x["class"] == "accepts-invalid"), "{warnings:?}");
    assert!(out.contains("verify: not exchanged: 6 types neither required nor served by any peer"), "{out}");
}

/// After the breaking release: exit 1, every failure is about chat.ChatTurn and names `speaker`, and
/// common.TokenUsage still passes.
fn assert_broken_by_rename(dir: &Path, cache: &Path, peer: &str) {
    let (code, out, report) = verify(dir, cache);
    assert_eq!(code, 1, "{peer}:\n{out}");
    let xs = exchanges(&report);
    let failed: Vec<&&serde_json::Value> = xs.iter().filter(|x| x["outcome"] == "fail").collect();
    assert!(!failed.is_empty(), "{out}");
    assert!(failed.iter().all(|x| x["message"] == "chat.ChatTurn"), "{out}");
    assert!(out.contains("speaker"), "the findings name the renamed field:\n{out}");
    assert!(
        // (its must-reject vectors warn as before: the service's own decoding, msgpact.toml's policy)
        xs.iter()
            .filter(|x| x["message"] == "common.TokenUsage")
            .all(|x| x["outcome"] == "pass" || (x["outcome"] == "warn" && x["class"] == "accepts-invalid")),
        "common.TokenUsage did not change:\n{out}"
    );
}

#[test]
fn a_go_and_a_python_service_adopt_msgpact_and_learn_when_the_contracts_break() {
    need(on_path("go"), "go");
    need(on_path("python3"), "python3");
    let t = tempfile::tempdir().unwrap();
    let cache = t.path().join("cache");
    let repo = ContractsRepo::new(t.path());
    let contracts = format!("{}@v1.0.0", repo.url());
    let sdk = root().display().to_string();

    // ---- the Go service: its own module, go 1.24, vmihailenco/msgpack v5.3.5 ----
    let gw = t.path().join("gateway");
    std::fs::create_dir_all(gw.join("types")).unwrap();
    std::fs::write(gw.join("types/types.go"), GO_TYPES).unwrap();
    std::fs::write(gw.join("main.go"), GO_SERVICE).unwrap();
    std::fs::write(
        gw.join("go.mod"),
        "module example.com/gateway\n\ngo 1.24\n\nrequire (\n\tgithub.com/nats-io/nats.go v1.37.0\n\tgithub.com/vmihailenco/msgpack/v5 v5.3.5\n)\n",
    )
    .unwrap();
    go(&gw, &["mod", "tidy"]);
    let before = std::fs::read_to_string(gw.join("go.mod")).unwrap();

    let init =
        msgpact_in(&gw, &cache, &["init", "--lang", "go", "--contracts", &contracts, "--types", TYPES, "--sdk", &sdk]);
    assert!(init.status.success(), "{}", text(&init));
    let gofmt = Path::new(go(&gw, &["env", "GOROOT"]).trim()).join("bin/gofmt");
    let gofmt = run_ok(Command::new(gofmt).args(["-l", "peers"]).current_dir(&gw), "gofmt -l");
    assert_eq!(gofmt, "", "the Go skeleton is not gofmt-clean");
    let (code, out, _) = verify(&gw, &cache);
    assert_eq!(code, 2, "no SDK in go.mod yet: the peer does not build:\n{out}");
    // docs/adopt.md step 3, with a checkout of msgpact: the SDK required and replaced, then `go mod tidy`.
    let module = "github.com/msgpact/msgpact/harness/go/peer";
    let step = stderr(&init);
    let recipe = format!("go mod edit -require={module}@v0.0.0 -replace={module}={sdk}/harness/go/peer");
    assert!(step.contains(&recipe), "init prints the SDK step:\n{step}");
    go(
        &gw,
        &["mod", "edit", &format!("-require={module}@v0.0.0"), &format!("-replace={module}={sdk}/harness/go/peer")],
    );
    go(&gw, &["mod", "tidy"]);
    let after = std::fs::read_to_string(gw.join("go.mod")).unwrap();
    let (old, new) = (lines(&before), lines(&after));
    assert!(old.difference(&new).next().is_none(), "adding the SDK changed lines of go.mod:\n{before}\n---\n{after}");
    let added: Vec<&String> = new.difference(&old).collect();
    assert_eq!(
        added,
        [&format!("{module} v0.0.0"), &format!("replace {module} => {sdk}/harness/go/peer")],
        "go.mod gained more than the SDK's lines:\n{before}\n---\n{after}"
    );
    let (code, out, report) = verify(&gw, &cache);
    assert_eq!(code, 1, "the stubs fail:\n{out}");
    assert!(out.contains("common.TokenUsage: decode is not written yet"), "{out}");
    assert_eq!(report["summary"]["required_unserved"], 0, "{out}");
    std::fs::write(gw.join("peers/gateway-go/codec.go"), GO_CODEC).unwrap();
    assert_green(&gw, &cache, "gateway-go", "v5.3.5");

    // ---- the Python service: msgpack pinned to 1.0.8 in its requirements ----
    let wk = t.path().join("worker");
    std::fs::create_dir_all(wk.join("worker")).unwrap();
    std::fs::write(wk.join("worker/__init__.py"), "").unwrap();
    std::fs::write(wk.join("worker/types.py"), PY_TYPES).unwrap();
    std::fs::write(wk.join("requirements.txt"), "msgpack==1.0.8\n").unwrap();
    let init = msgpact_in(
        &wk,
        &cache,
        &["init", "--lang", "python", "--contracts", &contracts, "--types", TYPES, "--sdk", &sdk],
    );
    assert!(init.status.success(), "{}", text(&init));
    // The skeleton runs, registers both types, and its stubs fail until the team writes them.
    let (code, out, report) = verify(&wk, &cache);
    assert_eq!(code, 1, "the stubs fail:\n{out}");
    assert!(out.contains("chat.ChatTurn: decode is not written yet"), "{out}");
    assert_eq!(report["summary"]["required_unserved"], 0, "{out}");
    std::fs::write(wk.join("peers/worker-python/codec.py"), PY_CODEC).unwrap();
    assert_green(&wk, &cache, "worker-python", "1.0.8");

    for dir in [&gw, &wk] {
        let status = msgpact_in(dir, &cache, &["contracts", "status"]);
        assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    }

    // ---- the contracts move on: a compatible release, then a breaking one ----
    repo.release_compatible();
    repo.release_breaking();
    for (dir, peer) in [(&gw, "gateway-go"), (&wk, "worker-python")] {
        let status = msgpact_in(dir, &cache, &["contracts", "status", "--format", "github"]);
        assert_eq!(status.status.code(), Some(1), "{peer}: {}", text(&status));
        let out = text(&status);
        assert!(
            out.contains("msgpact.toml:6:7: error[E1104]: v2.0.0 breaks chat.ChatTurn of this repository"),
            "{out}"
        );
        assert!(
            out.contains("FIELD_RENAMED field `role` of map-shaped `chat.ChatTurn` was renamed to `speaker`"),
            "{out}"
        );
        assert!(
            out.contains("::error file=msgpact.toml,line=6,col=7::E1104 contracts v2.0.0 breaks chat.ChatTurn"),
            "{out}"
        );
        assert!(out.contains("v1.1.0: newer, compatible with this repository's types"), "{out}");

        // The compatible release first: the gate stays green.
        let up = msgpact_in(dir, &cache, &["contracts", "update", "--to", "v1.1.0"]);
        assert!(up.status.success(), "{}", text(&up));
        assert_eq!(verify(dir, &cache).0, 0, "{peer} after v1.1.0");
        // Then the breaking one: update says so, and verify names what the peer must change.
        let up = msgpact_in(dir, &cache, &["contracts", "update"]);
        assert!(up.status.success(), "{}", text(&up));
        assert!(
            text(&up).contains("v1.1.0 -> v2.0.0: BREAKING for chat.ChatTurn (1 breaking change)"),
            "{}",
            text(&up)
        );
        assert_broken_by_rename(dir, &cache, peer);
    }
    let after_all = std::fs::read_to_string(gw.join("go.mod")).unwrap();
    assert_eq!(after_all, after, "nothing msgpact did touched go.mod");
}

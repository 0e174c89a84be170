//! A peer for msgpact's own fault tests: it answers every payload with the same bytes (so it agrees with
//! any contract), and misbehaves on purpose on the cases named in MSGPACT_FAULT:
//!
//! - `crash:CASE` exits with status 3 when CASE arrives;
//! - `hang:CASE` stops answering anything when CASE arrives;
//! - `garbage:CASE` answers CASE without a valid Msgpact-Status;
//! - `hostile-error:CASE` answers CASE with a decode-error whose Msgpact-Error holds a terminal escape and
//!   5,000 bytes;
//! - `wrongcase:CASE` answers CASE under another case id;
//! - `slow:MS` waits MS milliseconds before every answer;
//! - `widen-ints:all` answers with every integer rewritten at full width (int64, like Go's msgpack.Marshal);
//! - `contracts-hash:HASH` says in its handshake that it was built from the contracts HASH (a stale peer).
//!
//! - `accept-invalid:all` answers the must-reject cases (`reject.*`) with their bytes instead of refusing
//!   them by their case id, as it does otherwise (it knows no contract, so the id is all it can go by).
//!
//! Several faults are separated by commas. MSGPACT_ECHO_TYPES lists the message types it claims to serve.
use async_nats::HeaderMap;
use futures::StreamExt;
use std::time::Duration;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let var = |n: &str| std::env::var(n).unwrap_or_default();
    let (url, prefix, peer) = (
        var(msgpact_peer::ENV_NATS_URL),
        var(msgpact_peer::ENV_SUBJECT_PREFIX),
        var(msgpact_peer::ENV_PEER),
    );
    let faults: Vec<(String, String)> = var("MSGPACT_FAULT")
        .split(',')
        .filter_map(|f| f.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let fault = |kind: &str, case: &str| faults.iter().any(|(k, v)| k == kind && v == case);
    let slow = faults
        .iter()
        .find(|(k, _)| k == "slow")
        .and_then(|(_, v)| v.parse::<u64>().ok());
    let types: Vec<String> = var("MSGPACT_ECHO_TYPES")
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let mut opts = async_nats::ConnectOptions::new();
    if let Ok(creds) = std::env::var(msgpact_peer::ENV_NATS_CREDS) {
        opts = match opts.credentials_file(&creds).await {
            Ok(o) => o,
            Err(e) => {
                eprintln!("echo peer: cannot read MSGPACT_NATS_CREDS {creds}: {e}");
                std::process::exit(2);
            }
        };
    }
    let connected = match msgpact_peer::with_url_credentials(opts, &url) {
        Ok((opts, addrs)) => opts.connect(addrs).await.map_err(|e| e.to_string()),
        Err(e) => Err(e),
    };
    let client = match connected {
        Ok(c) => c,
        Err(e) => {
            let url = msgpact_peer::redact_url(&url);
            eprintln!("echo peer: cannot connect to {url}: {e}");
            std::process::exit(1);
        }
    };
    let mut sub = client
        .queue_subscribe(
            format!("{prefix}.{peer}.*"),
            msgpact_peer::QUEUE_GROUP.into(),
        )
        .await
        .expect("subscribe");
    client.flush().await.expect("flush");
    eprintln!("{}", msgpact_peer::READY_LINE);
    let hello = serde_json::json!({
        "protocol": 1, "name": peer, "language": "rust", "library": "echo", "library_version": "0",
        "contracts_hash": faults.iter().find(|(k, _)| k == "contracts-hash").map_or("", |(_, v)| v.as_str()), "types": types,
    })
    .to_string();
    while let Some(msg) = sub.next().await {
        let Some(reply) = msg.reply.clone() else {
            continue;
        };
        if msg.subject.ends_with(".hello") {
            let _ = client.publish(reply, hello.clone().into()).await;
            continue;
        }
        let case = msg
            .headers
            .as_ref()
            .and_then(|h| h.get(msgpact_peer::HEADER_CASE))
            .map(|v| v.as_str().to_string())
            .unwrap_or_default();
        if fault("crash", &case) {
            eprintln!("echo peer: crashing on {case} as asked");
            std::process::exit(3);
        }
        if fault("hang", &case) {
            eprintln!("echo peer: hanging on {case} as asked");
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        if let Some(ms) = slow {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let mut h = HeaderMap::new();
        if fault("garbage", &case) {
            h.insert(msgpact_peer::HEADER_STATUS, "banana");
        } else if case.starts_with("reject.") && !fault("accept-invalid", "all") {
            h.insert(msgpact_peer::HEADER_STATUS, "decode-error");
            let text = format!("echo peer: refuses the must-reject case {case} by its id");
            h.insert(msgpact_peer::HEADER_ERROR, text.as_str());
        } else if fault("hostile-error", &case) {
            // A terminal escape and 5,000 bytes: msgpact must clean and cut it before any report.
            h.insert(msgpact_peer::HEADER_STATUS, "decode-error");
            let text = format!("\x1b[31mred\x1b[0m {}", "x".repeat(5000));
            h.insert(msgpact_peer::HEADER_ERROR, text.as_str());
        } else {
            h.insert(msgpact_peer::HEADER_STATUS, "ok");
        }
        h.insert(
            msgpact_peer::HEADER_CASE,
            if fault("wrongcase", &case) {
                "someone-else"
            } else {
                case.as_str()
            },
        );
        let body = if fault("widen-ints", "all") {
            widen_ints(&msg.payload).unwrap_or_else(|| msg.payload.to_vec())
        } else {
            msg.payload.to_vec()
        };
        let _ = client.publish_with_headers(reply, h, body.into()).await;
    }
}

/// The payload with every integer written as int64 (`d3` and 8 bytes), everything else unchanged.
fn widen_ints(payload: &[u8]) -> Option<Vec<u8>> {
    let value = rmpv::decode::read_value(&mut &payload[..]).ok()?;
    let mut out = Vec::new();
    write_wide(&value, &mut out)?;
    Some(out)
}

fn write_wide(v: &rmpv::Value, out: &mut Vec<u8>) -> Option<()> {
    match v {
        rmpv::Value::Integer(i) => {
            rmp::encode::write_i64(out, i.as_i64()?).ok()?;
        }
        rmpv::Value::Array(items) => {
            rmp::encode::write_array_len(out, items.len() as u32).ok()?;
            for x in items {
                write_wide(x, out)?;
            }
        }
        rmpv::Value::Map(entries) => {
            rmp::encode::write_map_len(out, entries.len() as u32).ok()?;
            for (k, x) in entries {
                write_wide(k, out)?;
                write_wide(x, out)?;
            }
        }
        other => rmpv::encode::write_value(out, other).ok()?,
    }
    Some(())
}

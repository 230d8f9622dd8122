//! How the client reaches the server: plain HTTP only to a loopback address (tests, a server
//! on the same machine); anything else needs TLS.

use crate::error::SyncError;

/// An HTTP agent for `server`.
pub(crate) fn agent(server: &str, _fingerprint: Option<&str>) -> Result<ureq::Agent, SyncError> {
    let url = url_parts(server)?;
    if url.scheme == "http" && !is_loopback(&url.host) {
        return Err(SyncError::Settings(format!(
            "{server}: plain http is allowed only to a loopback address; use https"
        )));
    }
    if url.scheme == "https" {
        return Err(SyncError::Settings(format!(
            "{server}: this build cannot use TLS yet"
        )));
    }
    Ok(ureq::AgentBuilder::new().build())
}

pub(crate) fn transport_error(base: &str, t: ureq::Transport) -> SyncError {
    SyncError::Unreachable {
        url: base.to_string(),
        reason: t.to_string(),
    }
}

pub(crate) struct UrlParts {
    pub scheme: String,
    pub host: String,
}

pub(crate) fn url_parts(server: &str) -> Result<UrlParts, SyncError> {
    let (scheme, rest) = server.split_once("://").ok_or_else(|| {
        SyncError::Settings(format!("{server}: not a URL (http://… or https://…)"))
    })?;
    if scheme != "http" && scheme != "https" {
        return Err(SyncError::Settings(format!(
            "{server}: the scheme must be http or https"
        )));
    }
    let authority = rest.split('/').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_string()
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(h, _)| h)
            .to_string()
    };
    if host.is_empty() {
        return Err(SyncError::Settings(format!("{server}: no host")));
    }
    Ok(UrlParts {
        scheme: scheme.to_string(),
        host,
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

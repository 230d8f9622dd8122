//! How the client reaches the server: plain HTTP only to a loopback address (tests, a server
//! on the same machine); otherwise TLS, either trusted through the usual web roots or, for a
//! self-signed server on a consulate LAN, pinned to the certificate's SHA-256 fingerprint
//! that the enrollment code carries.

use crate::error::SyncError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What a pinning failure says inside the TLS error, to tell it from other failures.
const MISMATCH: &str = "qorgau: certificate fingerprint mismatch";

/// How long a connection to the server may take to open. A network that drops packets
/// silently (common on guarded office networks) fails a round after this, not after the
/// whole request timeout.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long one read or write on an open connection may wait. A server that stops answering
/// mid-reply ends the round after this, not after the whole request timeout: the round holds
/// the workspace, and locking it waits for the request under way.
const READ_WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

fn builder() -> ureq::AgentBuilder {
    ureq::AgentBuilder::new()
        .timeout_connect(CONNECT_TIMEOUT)
        .timeout_read(READ_WRITE_TIMEOUT)
        .timeout_write(READ_WRITE_TIMEOUT)
}

/// An HTTP agent for `server`, pinned to `fingerprint` (hex SHA-256 of the certificate) when
/// given.
pub(crate) fn agent(server: &str, fingerprint: Option<&str>) -> Result<ureq::Agent, SyncError> {
    let url = url_parts(server)?;
    match url.scheme.as_str() {
        "http" if !is_loopback(&url.host) => Err(SyncError::Settings(format!(
            "{server}: plain http is allowed only to a loopback address; use https"
        ))),
        "http" => Ok(builder().build()),
        _ => match fingerprint {
            None => Ok(builder().build()),
            Some(fp) => {
                let pin: [u8; 32] = hex::decode(fp.replace(':', "").to_lowercase())
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| {
                        SyncError::Settings(format!(
                            "fingerprint {fp:?}: not a SHA-256 in hex (64 hex digits)"
                        ))
                    })?;
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let config = rustls::ClientConfig::builder_with_provider(provider.clone())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| SyncError::Settings(e.to_string()))?
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(PinnedCertificate { pin, provider }))
                    .with_no_client_auth();
                Ok(builder().tls_config(Arc::new(config)).build())
            }
        },
    }
}

pub(crate) fn transport_error(base: &str, t: ureq::Transport) -> SyncError {
    let text = t.to_string();
    if text.contains(MISMATCH) {
        return SyncError::CertificateMismatch;
    }
    SyncError::Unreachable {
        url: base.to_string(),
        reason: text,
    }
}

/// Accepts exactly the certificate whose SHA-256 is pinned (names and chains do not matter:
/// the pin is the identity), and checks the handshake's signatures made with its key.
#[derive(Debug)]
struct PinnedCertificate {
    pin: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if seen == self.pin {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(MISMATCH.into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
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
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(SyncError::Settings(format!(
            "{server}: a server URL carries no user name or password"
        )));
    }
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

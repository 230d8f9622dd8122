//! TLS for the server (rustls with the ring provider): a certificate the operator gives, or a
//! self-signed one generated on first start and kept in the data directory, whose SHA-256
//! fingerprint enrollment codes carry so that laptops on a consulate LAN can pin it.

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::io;
use std::path::Path;
use std::sync::Arc;

/// The server's certificate chain and key, ready to serve, with the certificate's fingerprint.
#[derive(Debug)]
pub struct TlsIdentity {
    pub config: Arc<ServerConfig>,
    /// Lowercase hex SHA-256 of the end-entity certificate (DER).
    pub fingerprint: String,
}

/// Lowercase hex SHA-256 of a certificate's DER bytes.
pub fn fingerprint(cert: &[u8]) -> String {
    hex::encode(Sha256::digest(cert))
}

fn config(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> io::Result<TlsIdentity> {
    let fingerprint = fingerprint(
        certs
            .first()
            .ok_or_else(|| io::Error::other("no certificate"))?,
    );
    let mut config =
        ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| io::Error::other(format!("the certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsIdentity {
        config: Arc::new(config),
        fingerprint,
    })
}

/// A certificate chain and private key from PEM files.
pub fn from_pem_files(cert: &Path, key: &Path) -> io::Result<TlsIdentity> {
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(|e| io::Error::other(format!("{}: {e}", cert.display())))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| io::Error::other(format!("{}: {e}", cert.display())))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| io::Error::other(format!("{}: {e}", key.display())))?;
    config(certs, key)
}

/// The self-signed identity kept in `dir` (`tls-cert.pem`, `tls-key.pem`), created on first
/// use for the names in `hosts` (IP addresses or DNS names). Later starts reuse it, so the
/// fingerprint the team pinned stays valid.
pub fn self_signed(dir: &Path, hosts: &[String]) -> io::Result<TlsIdentity> {
    let cert_path = dir.join("tls-cert.pem");
    let key_path = dir.join("tls-key.pem");
    if !cert_path.exists() || !key_path.exists() {
        std::fs::create_dir_all(dir)?;
        let issued = rcgen::generate_simple_self_signed(hosts.to_vec())
            .map_err(|e| io::Error::other(format!("generating a certificate: {e}")))?;
        write_private(&key_path, issued.key_pair.serialize_pem().as_bytes())?;
        std::fs::write(&cert_path, issued.cert.pem())?;
    }
    from_pem_files(&cert_path, &key_path)
}

/// Writes a new file readable by its owner only (mode 0600); refuses to overwrite one.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    std::fs::write(path, bytes)
}

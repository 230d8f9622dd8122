//! Every time a stored document leaves the workspace's protection — shown on screen, saved
//! to a file, sent to a printer — the audit log records who did it, to what, and how. CLI
//! and desktop alike go through these methods, so neither can take a letter or an
//! attachment out unrecorded.

use crate::CoreError;
use crate::Workspace;

type Result<T> = std::result::Result<T, CoreError>;
use qorgau_domain::{AttachmentId, LetterId};

/// How a caseworker takes a document out of the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentUse {
    /// Shown on this screen.
    View,
    /// Written to a file the caseworker chose.
    Save,
    /// Sent to a printer.
    Print,
}

impl DocumentUse {
    /// The audit action for `what` (`letter`, `attachment`) used this way: `letter_print`.
    pub fn action(self, what: &str) -> String {
        let how = match self {
            DocumentUse::View => "view",
            DocumentUse::Save => "save",
            DocumentUse::Print => "print",
        };
        format!("{what}_{how}")
    }
}

impl Workspace {
    /// A registered letter's PDF (see [`Workspace::registered_pdf`]), recorded in the audit log
    /// as used `how`.
    pub fn letter_pdf(&mut self, id: LetterId, how: DocumentUse) -> Result<Vec<u8>> {
        let pdf = self.registered_pdf(id)?;
        self.record_document_use("letter", &id.to_string(), how)?;
        Ok(pdf)
    }

    /// Records that a letter already shown was printed (the desktop prints the bytes it
    /// shows, without asking for them again).
    pub fn record_letter_printed(&mut self, id: LetterId) -> Result<()> {
        self.letter(id)?;
        self.record_document_use("letter", &id.to_string(), DocumentUse::Print)
    }

    /// An attachment's bytes, recorded in the audit log as used `how`.
    pub fn attachment_bytes(&mut self, id: AttachmentId, how: DocumentUse) -> Result<Vec<u8>> {
        let bytes = self.store.attachment_bytes(id)?;
        self.record_document_use("attachment", &id.to_string(), how)?;
        Ok(bytes)
    }

    fn record_document_use(&mut self, what: &str, id: &str, how: DocumentUse) -> Result<()> {
        self.record_event(&how.action(what), what, Some(id), None)
    }
}

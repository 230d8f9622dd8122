//! Bulk writes in two stages: validation and everything else that depends only on the input
//! run on a second thread, while the calling thread executes SQL and commits. The two overlap,
//! and with one preparing thread for a whole import, preparing the next batch also overlaps
//! with committing the previous one.

use crate::changes::Writer;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use std::sync::mpsc::{Receiver, sync_channel};

/// Items cross in chunks: one message per item would wake the writing thread for each, and the
/// wake-ups cost more than a small insert.
const CHUNK: usize = 64;
/// Chunks prepared ahead of the writer at most (bounds memory, keeps both threads busy).
const AHEAD: usize = 8;

/// The prepared items in input order. It ends after the first error, which it yields.
pub(crate) struct Prepared<P> {
    receiver: Receiver<Vec<StoreResult<P>>>,
    chunk: std::vec::IntoIter<StoreResult<P>>,
    left: usize,
}

impl<P> Prepared<P> {
    /// The next prepared item; an error if the input is exhausted or the preparing thread
    /// stopped early.
    pub(crate) fn next_item(&mut self) -> StoreResult<P> {
        loop {
            if let Some(item) = self.chunk.next() {
                self.left = self.left.saturating_sub(1);
                return item;
            }
            match self.receiver.recv() {
                Ok(chunk) => self.chunk = chunk.into_iter(),
                Err(_) => {
                    return Err(StoreError::Kdf(
                        "the validation thread stopped early".into(),
                    ));
                }
            }
        }
    }

    /// How many items are still to come.
    pub(crate) fn left(&self) -> usize {
        self.left
    }
}

/// Runs `prepare` over `inputs` on a second thread and hands the results, in order, to
/// `consume` on this one. Preparing stops at the first error (which `consume` receives) or
/// when `consume` returns.
pub(crate) fn prepared_in_background<I, P, T>(
    inputs: &[I],
    prepare: impl Fn(&I) -> StoreResult<P> + Send,
    consume: impl FnOnce(&mut Prepared<P>) -> T,
) -> T
where
    I: Sync,
    P: Send,
{
    std::thread::scope(|scope| {
        let (sender, receiver) = sync_channel::<Vec<StoreResult<P>>>(AHEAD);
        scope.spawn(move || {
            for chunk in inputs.chunks(CHUNK) {
                let mut items = Vec::with_capacity(chunk.len());
                let mut failed = false;
                for input in chunk {
                    let item = prepare(input);
                    failed = item.is_err();
                    items.push(item);
                    if failed {
                        break;
                    }
                }
                if sender.send(items).is_err() || failed {
                    break;
                }
            }
        });
        let mut prepared = Prepared {
            receiver,
            chunk: Vec::new().into_iter(),
            left: inputs.len(),
        };
        // Dropping `prepared` at the end closes the channel, so a preparing thread that is
        // still running stops at its next send and the scope can end.
        consume(&mut prepared)
    })
}

impl Store {
    /// Prepares `inputs` on a second thread and writes them on this one, `batch` items per
    /// transaction (at least one). Each transaction is atomic: when an item is refused, its
    /// batch rolls back and the error is returned, while the batches before it stay committed.
    /// `ids` receives what `insert` returns for every item of a batch once that batch has
    /// committed, so on error it holds exactly the committed items.
    pub(crate) fn write_prepared<I, P, Id>(
        &mut self,
        inputs: &[I],
        batch: usize,
        ids: &mut Vec<Id>,
        prepare: impl Fn(&I) -> StoreResult<P> + Send,
        mut insert: impl FnMut(&mut Writer<'_>, P) -> StoreResult<Id>,
    ) -> StoreResult<()>
    where
        I: Sync,
        P: Send,
    {
        let batch = batch.max(1);
        ids.reserve(inputs.len());
        prepared_in_background(inputs, prepare, |items| {
            while items.left() > 0 {
                let n = batch.min(items.left());
                let written = self.write(|w| {
                    let mut written = Vec::with_capacity(n);
                    for _ in 0..n {
                        written.push(insert(w, items.next_item()?)?);
                    }
                    Ok(written)
                })?;
                ids.extend(written);
            }
            Ok(())
        })
    }
}

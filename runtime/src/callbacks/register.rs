//! Registration: [`Client::ensure_callbacks`] makes `/system/callbacks` hold the entries
//! asked for, with the generated `/system/callbacks` operations.

use crate::client::Client;
use crate::error::Error;
use crate::models::CallbackEntry;
use crate::resources::callback_entry;
use futures_util::TryStreamExt;
use std::collections::BTreeSet;

/// One callback to register: ConnectWise POSTs to `url` when a record of `kind` changes,
/// within `level` (`owner`: the record `object_id`, or all with 0; `board`, `status`, ...:
/// records under that object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackRegistration {
    /// Where deliveries go.
    pub url: String,
    /// The callback type: `ticket`, `company`, ... (the `Type` of deliveries).
    pub kind: String,
    /// `owner`, `board`, `status`, `company`, ... (default `owner`).
    pub level: String,
    /// The object of the level (0: every record).
    pub object_id: i32,
    /// Shown in ConnectWise; not compared.
    pub description: Option<String>,
}

impl CallbackRegistration {
    /// Every record of `kind` (`level` `owner`, object 0), delivered to `url`.
    pub fn new(url: impl Into<String>, kind: impl Into<String>) -> Self {
        CallbackRegistration {
            url: url.into(),
            kind: kind.into(),
            level: "owner".into(),
            object_id: 0,
            description: None,
        }
    }

    /// The level (`owner`, `board`, `status`, ...).
    pub fn level(mut self, level: impl Into<String>) -> Self {
        self.level = level.into();
        self
    }

    /// The level's object (a board id for `board`, ...; 0 for all).
    pub fn object_id(mut self, id: i32) -> Self {
        self.object_id = id;
        self
    }

    /// A description for humans.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Whether `entry` is this registration: same url, type and level (any case), object id
    /// (none counts as 0), and active.
    fn matches(&self, entry: &CallbackEntry) -> bool {
        entry.url.as_deref() == Some(self.url.as_str())
            && entry
                .r#type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case(&self.kind))
            && entry
                .level
                .as_deref()
                .is_some_and(|l| l.eq_ignore_ascii_case(&self.level))
            && entry.object_id.unwrap_or(0) == self.object_id
            && entry.inactive_flag != Some(true)
    }

    fn entry(&self) -> CallbackEntry {
        CallbackEntry {
            url: Some(self.url.clone()),
            r#type: Some(self.kind.clone()),
            level: Some(self.level.clone()),
            object_id: Some(self.object_id),
            description: self.description.clone(),
            inactive_flag: Some(false),
            ..CallbackEntry::default()
        }
    }
}

/// Options of [`Client::ensure_callbacks`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnsureOptions {
    /// Delete the entries for the same urls that were not asked for (other types, levels,
    /// objects, duplicates, inactive ones). Entries for other urls are never touched.
    pub remove_unlisted: bool,
}

impl EnsureOptions {
    /// Also delete unlisted entries for the same urls.
    pub fn remove_unlisted(mut self, remove: bool) -> Self {
        self.remove_unlisted = remove;
        self
    }
}

/// What [`Client::ensure_callbacks`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EnsureReport {
    /// Entries created, as the server answered.
    pub created: Vec<CallbackEntry>,
    /// Entries that were already there, left as they are.
    pub kept: Vec<CallbackEntry>,
    /// Ids of entries deleted (with [`EnsureOptions::remove_unlisted`]).
    pub removed: Vec<i32>,
}

impl EnsureReport {
    /// Whether it sent no write.
    pub fn unchanged(&self) -> bool {
        self.created.is_empty() && self.removed.is_empty()
    }
}

impl Client {
    /// Makes `/system/callbacks` hold `wanted`: lists the entries of each url, creates the
    /// ones missing, leaves the ones there, and with
    /// [`remove_unlisted`](EnsureOptions::remove_unlisted) deletes the others of those urls.
    /// Running it again with the same arguments sends no write.
    pub async fn ensure_callbacks(
        &self,
        wanted: &[CallbackRegistration],
        options: EnsureOptions,
    ) -> Result<EnsureReport, Error> {
        let urls: BTreeSet<&str> = wanted.iter().map(|w| w.url.as_str()).collect();
        let mut existing = Vec::new();
        for url in &urls {
            let condition = CallbackEntry::fields().url().eq(*url);
            let entries: Vec<CallbackEntry> = self
                .stream(callback_entry::list().conditions(condition))
                .try_collect()
                .await?;
            // The server filtered; a server that did not is not trusted with other urls.
            existing.extend(
                entries
                    .into_iter()
                    .filter(|e| e.url.as_deref() == Some(*url)),
            );
        }
        let mut report = EnsureReport::default();
        let mut used = vec![false; existing.len()];
        let mut seen = BTreeSet::new();
        for want in wanted {
            let key = (
                want.url.as_str(),
                want.kind.to_ascii_lowercase(),
                want.level.to_ascii_lowercase(),
                want.object_id,
            );
            if !seen.insert(key) {
                continue;
            }
            match existing
                .iter()
                .enumerate()
                .find(|(i, e)| !used[*i] && want.matches(e))
            {
                Some((i, e)) => {
                    used[i] = true;
                    report.kept.push(e.clone());
                }
                None => {
                    let created = self.send(callback_entry::create(&want.entry())).await?;
                    report.created.push(created);
                }
            }
        }
        if options.remove_unlisted {
            for (entry, used) in existing.iter().zip(used) {
                if let (false, Some(id)) = (used, entry.id) {
                    self.send(callback_entry::delete(id)).await?;
                    report.removed.push(id);
                }
            }
        }
        Ok(report)
    }
}

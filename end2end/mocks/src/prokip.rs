//! Placeholder: filled in by the prokip mock work.

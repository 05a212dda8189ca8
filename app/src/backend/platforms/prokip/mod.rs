//! Placeholder: filled in by the prokip client work.

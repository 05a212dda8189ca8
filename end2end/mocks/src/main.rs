//! `mocks`: serves the three mock platforms on the seed's ports for demo mode and end-to-end tests.

fn main() {}

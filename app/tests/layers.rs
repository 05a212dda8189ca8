//! The layering rule, checked rather than trusted: dependencies point one way, down.
//! `backend/` names only itself and `model` (never `api`, `pages`, `components` or the crate root);
//! `model/` names nothing else of the crate.
//!
//! Every `.rs` file under `src/backend` and `src/model` is parsed. What counts as naming a module:
//! `use` trees (groups included: `use crate::{api::X}`), paths in types, expressions, patterns and
//! attributes, paths inside macro calls, and `self::`/`super::` paths that climb out into it.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};
use syn::{UseTree, buffer::TokenBuffer, visit::Visit};

/// A layer and the top-level modules of the crate it may name.
struct Rule {
    layer: &'static str,
    may_name: &'static [&'static str],
}

const RULES: [Rule; 2] =
    [Rule { layer: "backend", may_name: &["backend", "model"] }, Rule { layer: "model", may_name: &["model"] }];

#[test]
fn backend_and_model_never_reach_up() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    let mut checked = 0;
    for rule in &RULES {
        let files = rs_files(&src.join(rule.layer));
        let modules = modules_of(&src, &files);
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let shown = format!("app/src/{}", file.strip_prefix(&src).unwrap().display());
            violations.extend(check(&text, &modules[file], rule.may_name, &shown));
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} files found under {}", src.display());
    assert!(violations.is_empty(), "layering broken:\n{}", violations.join("\n"));
}

/// The checker itself: each way of naming a forbidden module is found, and nothing else is.
#[test]
fn every_form_of_reaching_up_is_caught() {
    let backend_file = r#"
        use crate::{api::AppError, backend::db};
        use super::super::pages;
        fn a() -> crate::components::Widget { todo!() }
        fn b() { let _ = self::super::super::api::load(); }
        fn c() { tracing::info!(x = ?crate::pages::X); }
        mod inner { use super::super::super::api::Y; }
        pub(crate) fn d() -> Vec<super::super::api::Z> { todo!() }
    "#;
    let found = check(backend_file, &["backend".into(), "auth".into()], RULES[0].may_name, "f.rs");
    let named: Vec<&str> = found.iter().map(|v| v.split('`').nth(1).unwrap()).collect();
    assert_eq!(
        named,
        [
            "crate::api::AppError",
            "super::super::pages",
            "crate::components::Widget",
            "self::super::super::api::load",
            "crate::pages::X",
            "super::super::super::api::Y",
            "super::super::api::Z",
        ],
        "{found:#?}"
    );

    let fine = r#"
        use crate::{backend::{db, error::ServerError}, model::AppError};
        use super::api_client;
        fn a() -> api::Local { pages::count() }
        mod inner { use super::super::db; }
    "#;
    assert_eq!(check(fine, &["backend".into(), "sync".into()], RULES[0].may_name, "f.rs"), Vec::<String>::new());
    let model_file = "use crate::backend::state::AppState; use super::*; use crate::model::Platform;";
    assert_eq!(check(model_file, &["model".into()], RULES[1].may_name, "f.rs").len(), 2);
}

fn rs_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rs_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The module each file is: `backend/auth/mod.rs` → `[backend, auth]`, `backend/auth/forms.rs` →
/// `[backend, auth, forms]`, or what a `#[path = "…"] mod name;` in another file makes it.
fn modules_of(src: &Path, files: &[PathBuf]) -> HashMap<PathBuf, Vec<String>> {
    let mut modules: HashMap<PathBuf, Vec<String>> = files
        .iter()
        .map(|f| {
            let relative = f.strip_prefix(src).unwrap().with_extension("");
            let mut module: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            (f.clone(), module)
        })
        .collect();
    for file in files {
        let parsed = syn::parse_file(&std::fs::read_to_string(file).unwrap()).unwrap();
        for item in parsed.items {
            let syn::Item::Mod(m) = item else { continue };
            let Some(target) = m.attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            }) else {
                continue;
            };
            let module = [modules[file].as_slice(), &[m.ident.to_string()]].concat();
            modules.insert(file.parent().unwrap().join(target), module);
        }
    }
    modules
}

/// Every path of `source` (a file of `module`) that names a part of the crate outside
/// `may_name`, as a message.
fn check(source: &str, module: &[String], may_name: &[&str], shown: &str) -> Vec<String> {
    let file = syn::parse_file(source).unwrap_or_else(|e| panic!("{shown}: does not parse: {e}"));
    let mut paths = Paths { module: module.to_vec(), found: Vec::new() };
    paths.visit_file(&file);
    paths
        .found
        .into_iter()
        .filter(|(in_module, path)| {
            resolve(in_module, path).is_some_and(|abs| abs.first().is_none_or(|m| !may_name.contains(&m.as_str())))
        })
        .map(|(_, path)| format!("{shown}: `{}` reaches up out of its layer", path.join("::")))
        .collect()
}

/// The crate-absolute form of a path written in `module`, or `None` when it does not start from
/// the crate (`crate`, `self`, `super`): a name in scope or another crate.
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut rest = path.iter().peekable();
    let mut absolute = match rest.peek()?.as_str() {
        "crate" => {
            rest.next();
            Vec::new()
        }
        "self" => {
            rest.next();
            module.to_vec()
        }
        "super" => module.to_vec(),
        _ => return None,
    };
    while rest.next_if(|s| *s == "super").is_some() {
        absolute.pop()?;
    }
    absolute.extend(rest.cloned());
    Some(absolute)
}

/// Collects every path with the module it is written in (inline `mod x { … }` included).
struct Paths {
    module: Vec<String>,
    found: Vec<(Vec<String>, Vec<String>)>,
}

impl Paths {
    fn record(&mut self, path: Vec<String>) {
        if !path.is_empty() {
            self.found.push((self.module.clone(), path));
        }
    }

    fn use_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>) {
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            UseTree::Name(n) if n.ident == "self" => self.record(prefix.clone()),
            UseTree::Name(n) => self.record([prefix.as_slice(), &[n.ident.to_string()]].concat()),
            UseTree::Rename(r) => self.record([prefix.as_slice(), &[r.ident.to_string()]].concat()),
            UseTree::Glob(_) => self.record(prefix.clone()),
            UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, prefix)),
        }
    }

    /// Macro input is not parsed as Rust: `a::b::c` sequences are read from its tokens.
    fn macro_tokens(&mut self, mut cursor: syn::buffer::Cursor) {
        let mut path = Vec::new();
        let (mut colon, mut joined) = (false, false);
        while !cursor.eof() {
            if let Some((ident, next)) = cursor.ident() {
                if !joined {
                    self.record(std::mem::take(&mut path));
                }
                path.push(ident.to_string());
                (colon, joined) = (false, false);
                cursor = next;
                continue;
            }
            if let Some((punct, next)) = cursor.punct() {
                if punct.as_char() == ':' {
                    (colon, joined) = (!colon, colon);
                } else {
                    self.record(std::mem::take(&mut path));
                    (colon, joined) = (false, false);
                }
                cursor = next;
                continue;
            }
            self.record(std::mem::take(&mut path));
            (colon, joined) = (false, false);
            if let Some((inside, _, _, next)) = cursor.any_group() {
                self.macro_tokens(inside);
                cursor = next;
            } else if let Some((_, next)) = cursor.token_tree() {
                cursor = next;
            } else {
                break;
            }
        }
        self.record(path);
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&u.tree, &mut Vec::new());
    }

    /// `pub(crate)`, `pub(super)`: a visibility can only name an ancestor, never another layer.
    fn visit_vis_restricted(&mut self, _: &'ast syn::VisRestricted) {}

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.record(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let tokens = TokenBuffer::new2(m.tokens.clone());
        self.macro_tokens(tokens.begin());
        syn::visit::visit_macro(self, m);
    }
}

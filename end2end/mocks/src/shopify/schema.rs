//! GraphQL documents against the schema the mock serves (`schema_types`, Shopify's own type, field
//! and argument names): each document is parsed, checked against it (an unknown field or argument gets
//! Shopify's error), priced as Shopify prices a query, and each answer is cut down to the fields
//! the document selected (nested connections paged by their own `first`/`after`).

use super::graphql::error;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use graphql_parser::query::{
    self as q, Definition, Document, OperationDefinition, Selection, SelectionSet, TypeCondition,
};
use serde_json::{Map, Value, json};

type Doc<'a> = Document<'a, String>;
type Sel<'a> = SelectionSet<'a, String>;
type Field<'a> = q::Field<'a, String>;

use super::schema_types::{Ty, field_def, type_def};

/// A parsed operation: its root type, its root field, and the variables with their defaults.
pub struct Operation<'a> {
    doc: Doc<'a>,
    index: usize,
    pub mutation: bool,
    pub vars: Value,
}

/// A GraphQL error at a place in the document, as Shopify words it.
fn located(message: String, pos: graphql_parser::Pos, path: &[String], extensions: Value) -> Value {
    json!({ "message": message, "locations": [{ "line": pos.line, "column": pos.column }], "path": path,
        "extensions": extensions })
}

/// Parses `query`, picks its (single or named) operation and fills in variable defaults.
pub fn parse<'a>(query: &'a str, vars: &Value, operation_name: Option<&str>) -> Result<Operation<'a>, Vec<Value>> {
    let doc = q::parse_query::<String>(query).map_err(|e| {
        let message = e.to_string().lines().next().unwrap_or("Parse error").trim().to_owned();
        vec![json!({ "message": message, "extensions": { "code": "parseError" } })]
    })?;
    let ops: Vec<usize> = doc
        .definitions
        .iter()
        .enumerate()
        .filter(|(_, d)| matches!(d, Definition::Operation(_)))
        .map(|(i, _)| i)
        .collect();
    let name_of = |i: usize| match &doc.definitions[i] {
        Definition::Operation(OperationDefinition::Query(o)) => o.name.clone(),
        Definition::Operation(OperationDefinition::Mutation(o)) => o.name.clone(),
        _ => None,
    };
    let index = match (operation_name, ops.as_slice()) {
        (Some(n), _) => ops.iter().copied().find(|i| name_of(*i).as_deref() == Some(n)),
        (None, [only]) => Some(*only),
        _ => None,
    }
    .ok_or_else(|| vec![error("An operation name is required", "operationNameRequired")])?;
    let (mutation, defs) = match &doc.definitions[index] {
        Definition::Operation(OperationDefinition::Query(o)) => (false, o.variable_definitions.clone()),
        Definition::Operation(OperationDefinition::Mutation(o)) => (true, o.variable_definitions.clone()),
        Definition::Operation(OperationDefinition::SelectionSet(_)) => (false, Vec::new()),
        _ => return Err(vec![error("Subscriptions are not supported", "unsupportedOperation")]),
    };
    let mut all = vars.as_object().cloned().unwrap_or_default();
    for d in defs {
        if !all.contains_key(&d.name)
            && let Some(v) = &d.default_value
        {
            all.insert(d.name.clone(), literal(v, &Value::Null));
        }
    }
    Ok(Operation { doc, index, mutation, vars: Value::Object(all) })
}

/// A GraphQL value with its variables resolved, as JSON.
fn literal(v: &q::Value<'_, String>, vars: &Value) -> Value {
    match v {
        q::Value::Variable(n) => vars.get(n).cloned().unwrap_or(Value::Null),
        q::Value::Int(n) => n.as_i64().map_or(Value::Null, Value::from),
        q::Value::Float(f) => json!(f),
        q::Value::String(s) => json!(s),
        q::Value::Boolean(b) => json!(b),
        q::Value::Null => Value::Null,
        q::Value::Enum(e) => json!(e),
        q::Value::List(items) => Value::Array(items.iter().map(|i| literal(i, vars)).collect()),
        q::Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), literal(v, vars))).collect()),
    }
}

fn args(f: &Field<'_>, vars: &Value) -> Map<String, Value> {
    f.arguments.iter().map(|(k, v)| (k.clone(), literal(v, vars))).collect()
}

impl<'a> Operation<'a> {
    fn selection(&self) -> &Sel<'a> {
        match &self.doc.definitions[self.index] {
            Definition::Operation(OperationDefinition::Query(o)) => &o.selection_set,
            Definition::Operation(OperationDefinition::Mutation(o)) => &o.selection_set,
            Definition::Operation(OperationDefinition::SelectionSet(s)) => s,
            _ => unreachable!("subscriptions are refused when parsed"),
        }
    }

    fn root_type(&self) -> &'static str {
        if self.mutation { "Mutation" } else { "QueryRoot" }
    }

    fn fragment<'s>(&'s self, name: &str) -> Option<(&'s str, &'s Sel<'a>)> {
        self.doc.definitions.iter().find_map(|d| match d {
            Definition::Fragment(f) if f.name == name => {
                let TypeCondition::On(t) = &f.type_condition;
                Some((t.as_str(), &f.selection_set))
            }
            _ => None,
        })
    }

    /// The fields selected on an object of type `ty`, through fragments whose type applies.
    fn fields<'s>(&'s self, set: &'s Sel<'a>, ty: &'s str, out: &mut Vec<(&'s str, &'s Field<'a>)>) {
        for item in &set.items {
            match item {
                Selection::Field(f) => out.push((ty, f)),
                Selection::InlineFragment(i) => {
                    let on = match &i.type_condition {
                        Some(TypeCondition::On(t)) => t.as_str(),
                        None => ty,
                    };
                    self.fields(&i.selection_set, on, out);
                }
                Selection::FragmentSpread(s) => {
                    if let Some((on, sel)) = self.fragment(&s.fragment_name) {
                        self.fields(sel, on, out);
                    }
                }
            }
        }
    }

    /// The root fields: name and arguments, with variables resolved.
    pub fn roots(&self) -> Vec<(String, Value)> {
        let mut fields = Vec::new();
        self.fields(self.selection(), self.root_type(), &mut fields);
        fields.iter().map(|(_, f)| (f.name.clone(), Value::Object(args(f, &self.vars)))).collect()
    }

    /// Every selected field and argument checked against the schema.
    pub fn validate(&self) -> Result<(), Vec<Value>> {
        let mut errors = Vec::new();
        let op_name = match &self.doc.definitions[self.index] {
            Definition::Operation(OperationDefinition::Query(o)) => {
                format!("query {}", o.name.clone().unwrap_or_default())
            }
            Definition::Operation(OperationDefinition::Mutation(o)) => {
                format!("mutation {}", o.name.clone().unwrap_or_default())
            }
            _ => "query".into(),
        };
        self.check(self.selection(), self.root_type(), &mut vec![op_name.trim().to_owned()], &mut errors);
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    fn check(&self, set: &Sel<'a>, ty: &str, path: &mut Vec<String>, errors: &mut Vec<Value>) {
        let mut fields = Vec::new();
        self.fields(set, ty, &mut fields);
        for (on, f) in fields {
            path.push(f.name.clone());
            if f.name == "__typename" {
                path.pop();
                continue;
            }
            let Some(on_def) = type_def(on) else {
                let message = format!("No such type {on}, so it can't be a fragment condition");
                errors.push(located(message, f.position, path, json!({ "code": "undefinedType", "typeName": on })));
                path.pop();
                continue;
            };
            let Some((_, returns, accepted)) = on_def.iter().find(|(n, _, _)| *n == f.name) else {
                let message = format!("Field '{}' doesn't exist on type '{on}'", f.name);
                let ext = json!({ "code": "undefinedField", "typeName": on, "fieldName": f.name });
                errors.push(located(message, f.position, path, ext));
                path.pop();
                continue;
            };
            for (arg, _) in &f.arguments {
                if !accepted.contains(&arg.as_str()) {
                    let message = format!("Field '{}' doesn't accept argument '{arg}'", f.name);
                    let ext = json!({ "code": "argumentNotAccepted", "name": f.name, "typeName": "Field",
                        "argumentName": arg });
                    errors.push(located(message, f.position, path, ext));
                }
            }
            match returns {
                Ty::Scalar if !f.selection_set.items.is_empty() => {
                    let message = format!("Selections can't be made on scalars (field '{}' returns a scalar)", f.name);
                    let ext = json!({ "code": "selectionMismatch", "nodeName": format!("field '{}'", f.name) });
                    errors.push(located(message, f.position, path, ext));
                }
                Ty::Scalar => {}
                Ty::Object(t) | Ty::List(t) => self.check(&f.selection_set, t, path, errors),
                Ty::Connection(t) => self.check_connection(&f.selection_set, t, path, errors),
            }
            path.pop();
        }
    }

    fn check_connection(&self, set: &Sel<'a>, node: &'static str, path: &mut Vec<String>, errors: &mut Vec<Value>) {
        let mut fields = Vec::new();
        self.fields(set, "Connection", &mut fields);
        for (_, f) in fields {
            path.push(f.name.clone());
            match f.name.as_str() {
                "nodes" => self.check(&f.selection_set, node, path, errors),
                "pageInfo" => self.check(&f.selection_set, "PageInfo", path, errors),
                "edges" => {
                    let mut inner = Vec::new();
                    self.fields(&f.selection_set, "Edge", &mut inner);
                    for (_, e) in inner {
                        path.push(e.name.clone());
                        match e.name.as_str() {
                            "node" => self.check(&e.selection_set, node, path, errors),
                            "cursor" => {}
                            other => {
                                let t = format!("{node}Edge");
                                let message = format!("Field '{other}' doesn't exist on type '{t}'");
                                let ext = json!({ "code": "undefinedField", "typeName": t, "fieldName": other });
                                errors.push(located(message, e.position, path, ext));
                            }
                        }
                        path.pop();
                    }
                }
                other => {
                    let t = format!("{node}Connection");
                    let message = format!("Field '{other}' doesn't exist on type '{t}'");
                    let ext = json!({ "code": "undefinedField", "typeName": t, "fieldName": other });
                    errors.push(located(message, f.position, path, ext));
                }
            }
            path.pop();
        }
    }

    /// The requested cost as Shopify computes it: scalars 0, objects 1, connections 2 plus `first`
    /// times the cost of a node, lists of objects their size (`first`, `ids`) times an item's cost,
    /// and a mutation 10 plus what its payload selects.
    pub fn requested_cost(&self) -> u64 {
        let mut fields = Vec::new();
        self.fields(self.selection(), self.root_type(), &mut fields);
        fields
            .iter()
            .map(|(on, f)| {
                let cost = self.field_cost(on, f);
                if self.mutation { 10 + cost.saturating_sub(1) } else { cost }
            })
            .sum()
    }

    fn set_cost(&self, set: &Sel<'a>, ty: &str) -> u64 {
        let mut fields = Vec::new();
        self.fields(set, ty, &mut fields);
        fields.iter().map(|(on, f)| self.field_cost(on, f)).sum()
    }

    fn field_cost(&self, on: &str, f: &Field<'a>) -> u64 {
        let Some((returns, _)) = field_def(on, &f.name) else { return 0 };
        let a = args(f, &self.vars);
        match returns {
            Ty::Scalar => 0,
            Ty::Object(t) => 1 + self.set_cost(&f.selection_set, t),
            Ty::List(t) => {
                let size = a
                    .get("first")
                    .and_then(Value::as_u64)
                    .or_else(|| a.get("ids").and_then(Value::as_array).map(|ids| ids.len() as u64))
                    .unwrap_or(1);
                size * (1 + self.set_cost(&f.selection_set, t))
            }
            Ty::Connection(t) => {
                let first = a.get("first").or_else(|| a.get("last")).and_then(Value::as_u64).unwrap_or(0);
                2 + first * (1 + self.node_cost(&f.selection_set, t))
            }
        }
    }

    /// What one node of a connection costs beyond itself: the larger of `nodes` and `edges.node`.
    fn node_cost(&self, set: &Sel<'a>, node: &str) -> u64 {
        let mut fields = Vec::new();
        self.fields(set, "Connection", &mut fields);
        let mut cost = 0;
        for (_, f) in fields {
            match f.name.as_str() {
                "nodes" => cost = cost.max(self.set_cost(&f.selection_set, node)),
                "edges" => {
                    let mut inner = Vec::new();
                    self.fields(&f.selection_set, "Edge", &mut inner);
                    for (_, e) in inner.iter().filter(|(_, e)| e.name == "node") {
                        cost = cost.max(self.set_cost(&e.selection_set, node));
                    }
                }
                _ => {}
            }
        }
        cost
    }

    /// (connections selected, deepest nesting of connections): a bulk query's limits.
    pub fn connection_shape(&self) -> (usize, usize) {
        self.shape(self.selection(), self.root_type())
    }

    fn shape(&self, set: &Sel<'a>, ty: &str) -> (usize, usize) {
        let mut fields = Vec::new();
        self.fields(set, ty, &mut fields);
        let (mut count, mut depth) = (0, 0);
        for (on, f) in fields {
            match field_def(on, &f.name).map(|(t, _)| t) {
                Some(Ty::Object(t)) | Some(Ty::List(t)) => {
                    let (c, d) = self.shape(&f.selection_set, t);
                    count += c;
                    depth = depth.max(d);
                }
                Some(Ty::Connection(t)) => {
                    let mut inner = Vec::new();
                    self.fields(&f.selection_set, "Connection", &mut inner);
                    let (mut c, mut d) = (1, 1);
                    for (_, x) in inner {
                        let node_sets: Vec<&Sel<'a>> = match x.name.as_str() {
                            "nodes" => vec![&x.selection_set],
                            "edges" => {
                                let mut e = Vec::new();
                                self.fields(&x.selection_set, "Edge", &mut e);
                                e.into_iter().filter(|(_, n)| n.name == "node").map(|(_, n)| &n.selection_set).collect()
                            }
                            _ => Vec::new(),
                        };
                        for sel in node_sets {
                            let (nc, nd) = self.shape(sel, t);
                            c += nc;
                            d = d.max(1 + nd);
                        }
                    }
                    count += c;
                    depth = depth.max(d);
                }
                _ => {}
            }
        }
        (count, depth)
    }

    /// Whether the (first) root field returns a connection.
    pub fn root_is_connection(&self) -> bool {
        let mut fields = Vec::new();
        self.fields(self.selection(), self.root_type(), &mut fields);
        fields.first().is_some_and(|(on, f)| matches!(field_def(on, &f.name), Some((Ty::Connection(_), _))))
    }

    /// The argument `arg` of the first field named `field` anywhere in the selection, resolved.
    pub fn field_arg(&self, field: &str, arg: &str) -> Option<Value> {
        fn find<'s, 'a>(op: &'s Operation<'a>, set: &'s Sel<'a>, field: &str) -> Option<&'s Field<'a>> {
            for item in &set.items {
                let found = match item {
                    Selection::Field(f) if f.name == field => return Some(f),
                    Selection::Field(f) => find(op, &f.selection_set, field),
                    Selection::InlineFragment(i) => find(op, &i.selection_set, field),
                    Selection::FragmentSpread(s) => {
                        op.fragment(&s.fragment_name).and_then(|(_, sel)| find(op, sel, field))
                    }
                };
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        find(self, self.selection(), field).and_then(|f| args(f, &self.vars).get(arg).cloned())
    }

    /// `data` (what the operations produced for the root fields) cut down to the selection.
    pub fn project(&self, data: &Value) -> Value {
        self.project_set(self.selection(), self.root_type(), data, true)
    }

    fn project_set(&self, set: &Sel<'a>, ty: &str, data: &Value, root: bool) -> Value {
        if data.is_null() {
            return Value::Null;
        }
        let mut fields = Vec::new();
        self.fields(set, ty, &mut fields);
        let mut out = Map::new();
        for (on, f) in fields {
            // A fragment on another type than this node's does not apply.
            if !root && on != ty && !ty_matches(on, data) {
                continue;
            }
            let key = f.alias.clone().unwrap_or_else(|| f.name.clone());
            let value = &data[f.name.as_str()];
            let projected = match field_def(on, &f.name).map(|(t, _)| t) {
                Some(Ty::Object(t)) => self.project_set(&f.selection_set, t, value, false),
                Some(Ty::List(t)) => self.project_list(f, t, value),
                Some(Ty::Connection(t)) => self.project_connection(f, t, value, root),
                _ if f.name == "__typename" => json!(ty),
                _ => value.clone(),
            };
            out.insert(key, projected);
        }
        Value::Object(out)
    }

    fn project_list(&self, f: &Field<'a>, t: &str, value: &Value) -> Value {
        let Some(items) = value.as_array() else { return value.clone() };
        let first = args(f, &self.vars).get("first").and_then(Value::as_u64).map_or(items.len(), |n| n as usize);
        Value::Array(items.iter().take(first).map(|i| self.project_set(&f.selection_set, t, i, false)).collect())
    }

    /// A connection answer. At the root the operation paged it already; a nested one is paged
    /// here by its `first`/`after` over all its nodes.
    fn project_connection(&self, f: &Field<'a>, node: &str, value: &Value, root: bool) -> Value {
        if value.is_null() {
            return Value::Null;
        }
        let all = value["nodes"].as_array().cloned().unwrap_or_default();
        let (nodes, start, info) = if root {
            (all, 0, value.get("pageInfo").cloned().unwrap_or_else(|| json!({ "hasNextPage": false })))
        } else {
            let a = args(f, &self.vars);
            let start = a.get("after").and_then(Value::as_str).and_then(decode_index).map_or(0, |i| i + 1);
            let first = a.get("first").and_then(Value::as_u64).map_or(all.len(), |n| n as usize);
            let page: Vec<Value> = all.iter().skip(start).take(first).cloned().collect();
            let end = start + page.len();
            let info = json!({ "hasNextPage": end < all.len(), "hasPreviousPage": start > 0,
                "startCursor": (!page.is_empty()).then(|| encode_index(start)),
                "endCursor": (!page.is_empty()).then(|| encode_index(end - 1)) });
            (page, start, info)
        };
        let mut fields = Vec::new();
        self.fields(&f.selection_set, "Connection", &mut fields);
        let mut out = Map::new();
        for (_, c) in fields {
            let key = c.alias.clone().unwrap_or_else(|| c.name.clone());
            let v = match c.name.as_str() {
                "nodes" => {
                    Value::Array(nodes.iter().map(|n| self.project_set(&c.selection_set, node, n, false)).collect())
                }
                "pageInfo" => self.project_plain(&c.selection_set, &info),
                "edges" => Value::Array(
                    nodes
                        .iter()
                        .enumerate()
                        .map(|(i, n)| {
                            let edge = json!({ "node": n, "cursor": encode_index(start + i) });
                            let mut inner = Vec::new();
                            self.fields(&c.selection_set, "Edge", &mut inner);
                            let mut e = Map::new();
                            for (_, x) in inner {
                                let key = x.alias.clone().unwrap_or_else(|| x.name.clone());
                                let v = if x.name == "node" {
                                    self.project_set(&x.selection_set, node, &edge["node"], false)
                                } else {
                                    edge[x.name.as_str()].clone()
                                };
                                e.insert(key, v);
                            }
                            Value::Object(e)
                        })
                        .collect(),
                ),
                _ => Value::Null,
            };
            out.insert(key, v);
        }
        Value::Object(out)
    }

    /// Scalars only (`pageInfo`).
    fn project_plain(&self, set: &Sel<'a>, data: &Value) -> Value {
        let mut fields = Vec::new();
        self.fields(set, "PageInfo", &mut fields);
        Value::Object(
            fields
                .iter()
                .map(|(_, f)| (f.alias.clone().unwrap_or_else(|| f.name.clone()), data[f.name.as_str()].clone()))
                .collect(),
        )
    }
}

/// Whether a node answer is of type `on` (its global id names the type).
fn ty_matches(on: &str, data: &Value) -> bool {
    data["id"].as_str().is_some_and(|id| id.starts_with(&format!("gid://shopify/{on}/")))
}

fn encode_index(i: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("idx:{i}"))
}

fn decode_index(c: &str) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
    raw.strip_prefix("idx:")?.parse().ok()
}

/// What an answer actually cost: each object 1, each connection 2, page info free.
pub fn actual_cost(data: &Value) -> u64 {
    match data {
        Value::Array(items) => items.iter().map(actual_cost).sum(),
        Value::Object(m) => {
            let own = if m.contains_key("nodes") || m.contains_key("edges") { 2 } else { 1 };
            own + m.iter().filter(|(k, _)| *k != "pageInfo").map(|(_, v)| actual_cost(v)).sum::<u64>()
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(query: &str, vars: Value) -> Operation<'_> {
        parse(query, &vars, None).unwrap()
    }

    #[test]
    fn cost_counts_objects_and_multiplies_nested_connections() {
        let flat = op("{ shop { id name } }", json!({}));
        assert_eq!(flat.requested_cost(), 1);
        let nested = op(
            "query($n: Int!) { orders(first: $n) { nodes { id totalDiscountsSet { shopMoney { amount } }
               lineItems(first: 10) { nodes { id taxLines(first: 2) { priceSet { shopMoney { amount } } } } } }
               pageInfo { hasNextPage } } }",
            json!({ "n": 5 }),
        );
        // Per order: itself 1, a money bag 2, line items 2 + 10 × (1 + 2 × 3).
        assert_eq!(nested.requested_cost(), 2 + 5 * (1 + 2 + 2 + 10 * 7));
        let mutation =
            op("mutation { webhookSubscriptionDelete(id: \"x\") { deletedWebhookSubscriptionId } }", json!({}));
        assert_eq!(mutation.requested_cost(), 10);
    }

    #[test]
    fn unknown_fields_arguments_and_fragment_types_are_refused_with_their_place() {
        let errors =
            op("query Q { shop { id nmae } orders(frist: 1) { nodes { id } } }", json!({})).validate().unwrap_err();
        assert_eq!(errors[0]["message"], "Field 'nmae' doesn't exist on type 'Shop'");
        assert_eq!(errors[0]["path"], json!(["query Q", "shop", "nmae"]));
        assert_eq!(errors[0]["locations"], json!([{ "line": 1, "column": 21 }]));
        assert_eq!(errors[1]["extensions"]["code"], "argumentNotAccepted");
        let ok = op("{ nodes(ids: []) { ... on InventoryItem { id tracked } } }", json!({}));
        assert!(ok.validate().is_ok());
        assert!(op("{ nodes(ids: []) { ... on Nothing { id } } }", json!({})).validate().is_err());
        assert!(parse("{ shop { id }", &json!({}), None).is_err());
    }

    #[test]
    fn answers_keep_only_the_selection_and_page_nested_connections() {
        let o = op(
            "query($after: String) { order(id: \"gid://shopify/Order/1\") { name: id
               lineItems(first: 2, after: $after) { nodes { sku } pageInfo { hasNextPage endCursor } } } }",
            json!({ "after": encode_index(0) }),
        );
        let data = json!({ "order": { "id": "gid://shopify/Order/1", "email": "x@example.com",
            "lineItems": { "nodes": [{ "sku": "A", "quantity": 1 }, { "sku": "B" }, { "sku": "C" }, { "sku": "D" }] } } });
        let answer = o.project(&data);
        assert_eq!(answer["order"]["name"], "gid://shopify/Order/1");
        assert!(answer["order"].get("email").is_none());
        assert_eq!(answer["order"]["lineItems"]["nodes"], json!([{ "sku": "B" }, { "sku": "C" }]));
        assert_eq!(answer["order"]["lineItems"]["pageInfo"]["hasNextPage"], true);
    }
}
